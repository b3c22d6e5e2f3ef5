"""S3-compatible object storage (AWS, MinIO, Ceph) through boto3, verified and bounded.

`S3Store.from_url("s3://bucket/prefix")` reads its settings from the environment
(`S3Settings.from_env`) on top of boto3's own configuration chain:

- endpoint: `DIGITIZE_S3_ENDPOINT_URL`, else whatever boto3 resolves (`AWS_ENDPOINT_URL`,
  `AWS_ENDPOINT_URL_S3`, `endpoint_url` in the profile), else AWS itself;
- addressing: `DIGITIZE_S3_ADDRESSING_STYLE` = path | virtual | auto (default auto, which
  means path-style whenever the endpoint is not AWS, as MinIO and Ceph want);
- region, credentials and profile: boto3's chain (`AWS_REGION`, `AWS_PROFILE`, `AWS_*` keys),
  region defaulting to us-east-1;
- retries and timeouts: botocore's standard retry mode bounded by `DIGITIZE_S3_MAX_ATTEMPTS`
  total attempts, `DIGITIZE_S3_TIMEOUT` seconds for connect and read;
- multipart: `DIGITIZE_S3_MULTIPART_THRESHOLD` / `DIGITIZE_S3_MULTIPART_CHUNKSIZE`
  (bytes, or with a KiB/MiB/GiB suffix).

Every upload carries a SHA-256 checksum (`ChecksumAlgorithm="SHA256"`), so the server
refuses bytes damaged in transit, and is checked afterwards with `head_object`: the
server's own full-object SHA-256 (single part) or composite checksum-of-part-checksums
(multipart) against ours, plus our hex SHA-256 kept in user metadata (`x-amz-meta-sha256`)
and the size. An object that fails the check is removed and never reported as stored.
Keys are content-addressed, so re-putting an object that is already there and intact is a
no-op, and a write whose answer was lost (a retried request answering 412 or an error
for our own first write) counts as done once the object verifies. A create-only write
(`put(..., keep_existing=True)`, a new scan's outputs) sends `If-None-Match: *` on the
PutObject or CompleteMultipartUpload, so the loser of a race keeps the winner's object.
"""

from __future__ import annotations

from .checks import ENCODING, ENCODING_KEY, METADATA_LIMIT, SHA256_KEY, decode_metadata, encode_metadata
from .settings import GiB, KiB, MiB, S3Settings, build_client, parse_size
from .store import S3Store

__all__ = [
    "ENCODING", "ENCODING_KEY", "METADATA_LIMIT", "SHA256_KEY", "GiB", "KiB", "MiB", "S3Settings",
    "S3Store", "build_client", "decode_metadata", "encode_metadata", "parse_size",
]
