#!/usr/bin/env python3
"""Create the bucket on the S3 stand-in once it answers (it keeps everything in memory, so
each start begins empty): run after each start by object-store.service.

    make_bucket.py --endpoint http://10.89.150.10:9100 --bucket app-media
"""

from __future__ import annotations

import argparse
import sys
import time

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError

WAIT_SECONDS = 30
EXISTS = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    args = parser.parse_args()
    # Any credentials do (moto checks none): the service gives some in its environment.
    s3 = boto3.client("s3", endpoint_url=args.endpoint, region_name="us-east-1")
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            s3.create_bucket(Bucket=args.bucket)
            return 0
        except ClientError as error:
            if error.response["Error"]["Code"] in EXISTS:
                return 0
            raise
        except EndpointConnectionError:
            if time.monotonic() > deadline:
                print(f"{args.endpoint} did not answer in {WAIT_SECONDS} s", file=sys.stderr)
                return 1
            time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
