from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (Encoding, NoEncryption, PrivateFormat,
                                                          PublicFormat)

from pathways.security.audit import check_seal, sign

HEAD = {"source": "intake", "position": 42, "hash": "ab" * 32}


def test_ed25519_seal_checks_with_the_public_key_only():
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    sealed = sign(HEAD, pem)
    assert sealed["public_key"] == public.hex()
    assert check_seal(sealed, public) and check_seal(sealed, public.hex().encode())
    assert not check_seal({**sealed, "position": 41}, public)
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert not check_seal(sealed, other)


def test_hmac_seal():
    sealed = sign(HEAD, b"a-shared-secret-key")
    assert check_seal(sealed, b"a-shared-secret-key")
    assert not check_seal({**sealed, "hash": "cd" * 32}, b"a-shared-secret-key")
    assert not check_seal(sealed, b"another-secret-key!")
