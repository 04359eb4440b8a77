"""Judges `steeple serve`'s Workload API sockets with clients Steeple did not write.

py-spiffe's WorkloadApiClient and X509Source talk to the socket; the `cryptography` package checks
each SVID's chain against the bundle; joserfc verifies a JWT-SVID against the JWT bundle; Python's
ssl module (OpenSSL) makes a mutual TLS connection with the SVID py-spiffe fetched; a raw gRPC
call without the `workload.spiffe.io` metadata shows how the socket refuses it. Each mode prints
lines the Swift test reads; it exits non-zero on what it cannot judge.

  python3 workload-api-judge.py context SOCKET      the X.509 context, a JWT-SVID, the JWT bundles
  python3 workload-api-judge.py foreign SOCKET ID   a JWT-SVID for another workload's ID
  python3 workload-api-judge.py nometa SOCKET       a call without the metadata
  python3 workload-api-judge.py mtls SOCKET PORT    mutual TLS to a listener with the socket's SVID
  python3 workload-api-judge.py rotation SOCKET     waits for an X509Source update with a new serial
"""

import json
import os
import socket
import ssl
import sys
import tempfile
import threading

import grpc
from cryptography.hazmat.primitives import serialization
from joserfc import jwt
from joserfc.jwk import KeySet
from spiffe import SpiffeId, WorkloadApiClient, X509Source
from spiffe._proto import workload_pb2, workload_pb2_grpc

AUDIENCE = "judge"


def endpoint(path):
    return "unix://" + path


def verified(svid, bundle_set):
    """The chain leaf first, each certificate signed by the next, the last by a bundle authority."""
    bundle = bundle_set.get_bundle_for_trust_domain(svid.spiffe_id.trust_domain)
    if bundle is None:
        return "no bundle for " + str(svid.spiffe_id.trust_domain)
    chain = svid.cert_chain
    for child, parent in zip(chain, chain[1:]):
        child.verify_directly_issued_by(parent)
    for authority in bundle.x509_authorities:
        try:
            chain[-1].verify_directly_issued_by(authority)
            return "verified"
        except Exception:
            continue
    return "not verified"


def context(path):
    with WorkloadApiClient(socket_path=endpoint(path)) as client:
        ctx = client.fetch_x509_context()
        ids = sorted(str(svid.spiffe_id) for svid in ctx.x509_svids)
        tds = sorted(str(bundle.trust_domain) for bundle in ctx.x509_bundle_set.bundles)
        print("x509", "default=" + str(ctx.default_svid.spiffe_id), "svids=" + ",".join(ids),
              "chain=" + verified(ctx.default_svid, ctx.x509_bundle_set), "bundles=" + ",".join(tds))
        token = client.fetch_jwt_svid(audience={AUDIENCE})
        checked = client.validate_jwt_svid(token.token, AUDIENCE)
        print("jwt", "sub=" + str(token.spiffe_id), "validated=" + str(checked.spiffe_id))
        try:
            client.validate_jwt_svid(token.token, "someone-else")
            print("jwt other audience accepted")
        except Exception:
            print("jwt other audience refused")
        bundles = client.fetch_jwt_bundles()
        bundle = bundles.get_bundle_for_trust_domain(ctx.default_svid.spiffe_id.trust_domain)
        print("jwt-bundle", "keys=" + str(len(bundle.jwt_authorities)))
    # joserfc checks the token against the JWKS the socket sent, independently of py-spiffe.
    raw = workload_pb2_grpc.SpiffeWorkloadAPIStub(grpc.insecure_channel("unix:" + path))
    reply = next(raw.FetchJWTBundles(workload_pb2.JWTBundlesRequest(), metadata=[("workload.spiffe.io", "true")]))
    jwks = json.loads(next(iter(reply.bundles.values())))
    uses = sorted({key.get("use") for key in jwks["keys"]})
    # joserfc knows only RFC 7517's registered uses (sig, enc): the keys go in without SPIFFE's.
    keys = {"keys": [{name: value for name, value in key.items() if name != "use"} for key in jwks["keys"]]}
    decoded = jwt.decode(token.token, KeySet.import_key_set(keys), algorithms=["ES256", "ES384", "RS256", "PS256"])
    print("joserfc", "sub=" + decoded.claims["sub"], "aud=" + str(decoded.claims["aud"]), "uses=" + ",".join(uses))


def foreign(path, other):
    with WorkloadApiClient(socket_path=endpoint(path)) as client:
        try:
            client.fetch_jwt_svid(audience={AUDIENCE}, subject=SpiffeId(other))
            print("foreign granted")
        except Exception as error:
            cause = error.__cause__ or error.__context__ or error
            code = cause.code().name if hasattr(cause, "code") else type(error).__name__
            print("foreign refused", code)


def nometa(path):
    raw = workload_pb2_grpc.SpiffeWorkloadAPIStub(grpc.insecure_channel("unix:" + path))
    try:
        raw.FetchJWTSVID(workload_pb2.JWTSVIDRequest(audience=[AUDIENCE]), timeout=30)
        print("nometa answered")
    except grpc.RpcError as error:
        print("nometa", error.code().name)
    try:
        next(raw.FetchX509SVID(workload_pb2.X509SVIDRequest(), timeout=30))
        print("nometa stream answered")
    except grpc.RpcError as error:
        print("nometa stream", error.code().name)


def mtls(path, port):
    with WorkloadApiClient(socket_path=endpoint(path)) as client:
        ctx = client.fetch_x509_context()
    svid = ctx.default_svid
    folder = tempfile.mkdtemp()
    chain_path, key_path, bundle_path = (os.path.join(folder, name) for name in ("svid.pem", "svid.key", "bundle.pem"))
    with open(chain_path, "wb") as out:
        out.write(b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in svid.cert_chain))
    with open(key_path, "wb") as out:
        out.write(svid.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    bundle = ctx.x509_bundle_set.get_bundle_for_trust_domain(svid.spiffe_id.trust_domain)
    with open(bundle_path, "wb") as out:
        out.write(b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in bundle.x509_authorities))
    tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls_context.minimum_version = ssl.TLSVersion.TLSv1_3
    tls_context.check_hostname = False
    tls_context.load_verify_locations(bundle_path)
    tls_context.load_cert_chain(chain_path, key_path)
    data = b""
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as connection:
            with tls_context.wrap_socket(connection) as tls:
                tls.sendall(b"GET / HTTP/1.1\r\nhost: judge\r\nconnection: close\r\n\r\n")
                while True:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
    except (ssl.SSLError, ConnectionError) as error:
        print("mtls refused", type(error).__name__)
        return
    if not data:
        print("mtls refused closed without an answer")
        return
    print("mtls admitted", data.split(b"\r\n", 1)[0].decode())


def rotation(path):
    source = X509Source(socket_path=endpoint(path), timeout_in_seconds=60)
    current = lambda: source.get_x509_context().default_svid
    first = current().leaf.serial_number
    changed = threading.Event()

    def updated():
        if current().leaf.serial_number != first:
            changed.set()

    source.subscribe_for_updates(updated)
    updated()
    # Not a sleep: returns as soon as the source has the renewed SVID; the bound only ends a hung run.
    renewed = changed.wait(timeout=120)
    second = current().leaf.serial_number
    identity = str(current().spiffe_id)
    source.close()
    print("rotation", identity, "renewed" if renewed and second != first else "not renewed")


if __name__ == "__main__":
    mode, arguments = sys.argv[1], sys.argv[2:]
    {"context": context, "foreign": foreign, "nometa": nometa, "mtls": mtls, "rotation": rotation}[mode](*arguments)
