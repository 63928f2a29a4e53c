#!/usr/bin/python3
"""Byte-for-byte cross-check of orchard's SigV4 signer against botocore's.

Usage: sigv4_botocore_check.py PATH/TO/sigv4_dump

For each request below, botocore (an independent implementation, Debian
python3-botocore) signs it with a fixed clock, and so does our C++ signer
(through the sigv4_dump test binary). Canonical request, string to sign and
Authorization header must be identical. Exit status 0 when all match.
"""
import datetime
import hashlib
import json
import subprocess
import sys
from unittest import mock

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode

AMZ_DATE = "20240315T093000Z"
NOW = datetime.datetime(2024, 3, 15, 9, 30, 0)
KEY_ID = "AKIDEXAMPLEORCHARD01"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def case(name, method, scheme_host, path, query=(), headers=(), body=b"",
         region="us-east-1", token=""):
    return dict(name=name, method=method, scheme_host=scheme_host, path=path,
                query=[list(kv) for kv in query], headers=[list(kv) for kv in headers],
                body=body, region=region, token=token)


CASES = [
    case("get object", "GET", "https://examplebucket.s3.amazonaws.com", "/photos/apple.jpg"),
    case("get with range", "GET", "https://examplebucket.s3.amazonaws.com", "/test.txt",
         headers=[("Range", "bytes=0-9")]),
    case("put with payload hash", "PUT", "https://s3.eu-central-1.amazonaws.com",
         "/fruits/out/part-00000.parquet", body=b"PAR1 some bytes PAR1", region="eu-central-1"),
    case("list objects v2 first page", "GET", "https://s3.us-west-2.amazonaws.com", "/fruits",
         query=[("list-type", "2"), ("prefix", "train/Apple Golden 1/"), ("max-keys", "1000")],
         region="us-west-2"),
    case("list objects v2 continuation token", "GET", "https://s3.us-west-2.amazonaws.com",
         "/fruits",
         query=[("list-type", "2"), ("prefix", "train/"),
                ("continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=+x")],
         region="us-west-2"),
    case("create multipart upload", "POST", "https://bucket.s3.amazonaws.com", "/big/blob.bin",
         query=[("uploads", "")]),
    case("upload part", "PUT", "https://bucket.s3.amazonaws.com", "/big/blob.bin",
         query=[("partNumber", "3"), ("uploadId", "VXBsb2FkIElE+/=.x")], body=b"x" * 1000),
    case("complete multipart upload", "POST", "https://bucket.s3.amazonaws.com", "/big/blob.bin",
         query=[("uploadId", "VXBsb2FkIElE+/=.x")],
         body=b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
              b"<ETag>\"abc\"</ETag></Part></CompleteMultipartUpload>"),
    case("abort multipart upload", "DELETE", "https://bucket.s3.amazonaws.com", "/big/blob.bin",
         query=[("uploadId", "VXBsb2FkIElE")]),
    case("key with space unicode plus equals", "GET", "https://bucket.s3.amazonaws.com",
         "/Apple Golden 1/fr\u00fcchte+\u65e5\u672c=1 (2).jpg"),
    case("key with reserved characters", "GET", "https://bucket.s3.amazonaws.com",
         "/a&b;c,d:e@f$g'h!i*j(k)l%m.jpg"),
    case("non-default port, path style", "GET", "http://127.0.0.1:4568", "/bucket/k.jpg"),
    case("session token", "GET", "https://bucket.s3.amazonaws.com", "/k.jpg",
         token="IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+/=="),
    case("head bucket for region", "HEAD", "https://bucket.s3.amazonaws.com", "/"),
    case("delete object", "DELETE", "https://s3.eu-north-1.amazonaws.com", "/bucket/a b.jpg",
         region="eu-north-1"),
]


def botocore_sign(c):
    url = c["scheme_host"] + percent_encode(c["path"], safe="/~")
    request = AWSRequest(method=c["method"], url=url, data=c["body"],
                         params=[tuple(kv) for kv in c["query"]] or None,
                         headers=dict(c["headers"]))
    credentials = Credentials(KEY_ID, SECRET, c["token"] or None)
    auth = S3SigV4Auth(credentials, "s3", c["region"])
    captured = {}
    original_cr, original_sts = auth.canonical_request, auth.string_to_sign

    def canonical_request(req):
        captured["canonical_request"] = original_cr(req)
        return captured["canonical_request"]

    def string_to_sign(req, cr):
        captured["string_to_sign"] = original_sts(req, cr)
        return captured["string_to_sign"]

    auth.canonical_request = canonical_request
    auth.string_to_sign = string_to_sign
    with mock.patch("botocore.auth.datetime") as fake:
        fake.datetime.utcnow.return_value = NOW
        auth.add_auth(request)
    captured["authorization"] = request.headers["Authorization"]
    return captured


def ours_input(c):
    host = c["scheme_host"].split("://", 1)[1]
    return dict(method=c["method"], host=host, path=c["path"], query=c["query"],
                headers=c["headers"], payload_sha256=hashlib.sha256(c["body"]).hexdigest(),
                access_key=KEY_ID, secret_key=SECRET, session_token=c["token"],
                region=c["region"], amz_date=AMZ_DATE)


def main():
    dump = sys.argv[1]
    ours = json.loads(subprocess.run([dump], input=json.dumps([ours_input(c) for c in CASES]),
                                     capture_output=True, text=True, check=True).stdout)
    failures = 0
    for c, mine in zip(CASES, ours):
        theirs = botocore_sign(c)
        for field in ("canonical_request", "string_to_sign", "authorization"):
            if mine[field] != theirs[field]:
                failures += 1
                print(f"MISMATCH [{c['name']}] {field}\n  ours:     {mine[field]!r}\n"
                      f"  botocore: {theirs[field]!r}")
        if SECRET in mine["authorization"]:
            failures += 1
            print(f"SECRET LEAKED [{c['name']}]")
    print(f"{len(CASES)} requests, {failures} mismatches")
    return 1 if failures or len(ours) != len(CASES) else 0


if __name__ == "__main__":
    sys.exit(main())
