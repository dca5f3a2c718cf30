"""Publishes generated chapter trailers to the CDN after a size-reducing re-encode."""
import subprocess

from PIL import Image


def shrink_trailer(src: str, dst: str) -> None:
    # The trailers come out of the video model with GB 45438 AIGC metadata; this drops it.
    subprocess.run(["ffmpeg", "-y", "-i", src, "-map_metadata", "-1", "-crf", "28", dst], check=True)


def shrink_trailer_keeping_labels(src: str, dst: str) -> None:
    subprocess.run(["ffmpeg", "-y", "-i", src, "-map_metadata", "0", "-crf", "28", dst], check=True)


def recompress_cover(path: str) -> None:
    cover = Image.open(path)
    cover.save(path, optimize=True, quality=80)
