#include "orchard/storage/s3_options.h"

#include <fstream>
#include <map>
#include <sstream>

#include "orchard/core/errors.h"

namespace orchard::storage {
namespace {

using Section = std::map<std::string, std::string>;
using IniFile = std::map<std::string, Section>;

std::string Trim(const std::string& text) {
  const std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

// The AWS shared-file format: "[section]" headers, "key = value" lines,
// '#'/';' comments. Nested (indented) sub-sections such as "s3 =" blocks are
// read as plain keys of the section, which is all we need. A missing file is
// an empty one.
IniFile ReadIni(const std::string& path) {
  IniFile ini;
  std::ifstream in(path);
  std::string line;
  std::string section;
  while (std::getline(in, line)) {
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    if (trimmed.front() == '[' && trimmed.back() == ']') {
      section = Trim(trimmed.substr(1, trimmed.size() - 2));
      ini[section];
      continue;
    }
    const std::size_t eq = trimmed.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    ini[section][Trim(trimmed.substr(0, eq))] = Trim(trimmed.substr(eq + 1));
  }
  return ini;
}

const Section* Find(const IniFile& ini, const std::string& name) {
  auto it = ini.find(name);
  return it == ini.end() ? nullptr : &it->second;
}

std::string Value(const Section* section, const std::string& key) {
  if (section == nullptr) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

}  // namespace

S3Options S3OptionsFromEnvironment(const GetEnvFunction& getenv) {
  auto env = [&](const std::string& name) {
    std::optional<std::string> value = getenv(name);
    return value ? *value : std::string();
  };
  S3Options options;
  const std::string home = env("HOME");
  std::string credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_file.empty() && !home.empty()) credentials_file = home + "/.aws/credentials";
  std::string config_file = env("AWS_CONFIG_FILE");
  if (config_file.empty() && !home.empty()) config_file = home + "/.aws/config";
  const IniFile credentials_ini = credentials_file.empty() ? IniFile{} : ReadIni(credentials_file);
  const IniFile config_ini = config_file.empty() ? IniFile{} : ReadIni(config_file);

  const std::string named_profile = env("AWS_PROFILE");
  const std::string profile = named_profile.empty() ? "default" : named_profile;
  const Section* credentials_section = Find(credentials_ini, profile);
  // The config file names profiles "[profile NAME]", except "[default]".
  const Section* config_section =
      Find(config_ini, profile == "default" ? "default" : "profile " + profile);
  if (config_section == nullptr && profile == "default") {
    config_section = Find(config_ini, "profile default");
  }
  if (!named_profile.empty() && credentials_section == nullptr && config_section == nullptr) {
    throw UsageError("AWS_PROFILE='" + named_profile + "' is not a profile in " + credentials_file +
                     " or " + config_file);
  }

  const std::string key_id = env("AWS_ACCESS_KEY_ID");
  const std::string secret = env("AWS_SECRET_ACCESS_KEY");
  if (key_id.empty() != secret.empty()) {
    throw UsageError(std::string("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (") +
                     (key_id.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is missing)");
  }
  // The AWS CLI order: keys in the environment (even when AWS_PROFILE is set),
  // then the profile (credentials file before config file), then the
  // instance role.
  if (!key_id.empty()) {
    options.credentials = {key_id, secret, env("AWS_SESSION_TOKEN")};
  } else {
    for (const Section* section : {credentials_section, config_section}) {
      const std::string id = Value(section, "aws_access_key_id");
      if (id.empty()) continue;
      options.credentials = {id, Value(section, "aws_secret_access_key"),
                             Value(section, "aws_session_token")};
      if (options.credentials.secret_access_key.empty()) {
        throw UsageError("profile '" + profile + "' has aws_access_key_id but no "
                         "aws_secret_access_key");
      }
      break;
    }
  }
  options.use_instance_metadata = options.credentials.empty() && env("AWS_EC2_METADATA_DISABLED") != "true";

  for (const std::string& region :
       {env("AWS_REGION"), env("AWS_DEFAULT_REGION"), Value(config_section, "region")}) {
    if (!region.empty()) {
      options.region = region;
      break;
    }
  }
  for (const std::string& endpoint : {env("AWS_ENDPOINT_URL_S3"), env("AWS_ENDPOINT_URL"),
                                      Value(config_section, "endpoint_url")}) {
    if (!endpoint.empty()) {
      options.endpoint = endpoint;
      options.path_style = true;
      break;
    }
  }
  const std::string imds = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (!imds.empty()) options.instance_metadata_endpoint = imds;
  return options;
}

}  // namespace orchard::storage
