"""Photo files and ZIPs for the photo tests, made here with Pillow and zipfile."""
import io
import stat
import zipfile

from PIL import Image, ImageDraw


def photo(size=(600, 800), fmt="JPEG", mode="RGB", orientation: int | None = None, **save) -> bytes:
    """A picture whose upper half is red and lower half blue (as stored ``size``, before any orientation)."""
    background = (0, 0, 0, 0) if mode == "RGBA" else "blue"
    img = Image.new(mode, size, background)
    ImageDraw.Draw(img).rectangle([0, 0, size[0], size[1] // 2], fill="red")
    if orientation:
        exif = img.getexif()
        exif[0x0112] = orientation
        save["exif"] = exif.tobytes()
    out = io.BytesIO()
    img.save(out, fmt, **save)
    return out.getvalue()


def zip_of(entries: list[tuple], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """(name, bytes) entries, or (ZipInfo, bytes) for hand-made headers."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in entries:
            z.writestr(name, data)
    return out.getvalue()


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3                      # Unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def mark_encrypted(data: bytes, name: str) -> bytes:
    """The archive with ``name`` flagged as encrypted (zipfile cannot write encrypted entries)."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = out.find(signature)
        while start >= 0:
            if out[start + name_at:start + name_at + len(encoded)] == encoded:
                out[start + flag_at] |= 0x1
            start = out.find(signature, start + 1)
    return bytes(out)
