"""Static files with hashed names, compressed copies and hashed URLs whatever DEBUG says."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, whose URLs carry the hash in debug too.

    Django's manifest storage hands out plain names while DEBUG is on, which WhiteNoise
    serves with max-age=0; `.ci/serve` (DEBUG on, DJANGO_HASHED_STATIC=1) gets the hashed
    names, and with them the one-year immutable Cache-Control that production gets.
    """

    def url(self, name, force=False):
        return super().url(name, force=True)
