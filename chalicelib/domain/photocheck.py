"""The rules of a candidate's photo (考生照片): what is accepted, what each refusal says to fix, and the one
normalised form every stored photo has, which the certificate prints.

Accepted: a JPEG or PNG that decodes, at most 2 MB, portrait about 3:4 (width / height within ±10 % of
0.75, so the one-inch ID photo of 295×413 px, 0.714, passes), at least 295×413 px once its EXIF
orientation is applied. Stored: RGB JPEG of exactly 390×520 px (3:4), cropped centred to 3:4 first,
orientation applied, no metadata (EXIF, GPS, ICC, comments) kept.
"""
import io

from . import images
from .errors import InvalidInput, TooLarge

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000              # a phone's 12-24 MP photo passes; a decompression bomb does not
MIN_WIDTH, MIN_HEIGHT = 295, 413     # a one-inch ID photo at 300 dpi
RATIO, TOLERANCE = 3 / 4, 0.10
SIZE = (390, 520)                    # what is stored: width, height
QUALITY = 90

_SIGNATURES = (                      # what people send instead, so the refusal can name it
    (b"GIF8", 0, "GIF"), (b"BM", 0, "BMP"), (b"WEBP", 8, "WebP"), (b"ftyphei", 4, "HEIC"),
    (b"ftypmif1", 4, "HEIC"), (b"%PDF", 0, "PDF"), (b"II*\0", 0, "TIFF"), (b"MM\0*", 0, "TIFF"),
)


def _refuse(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code)


def _format(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    what = next((name for magic, at, name in _SIGNATURES if data[at:at + len(magic)] == magic), None)
    found = f"（该文件是{what}格式）" if what else ""
    raise _refuse(f"仅支持JPEG或PNG格式的照片{found}，请另存为JPEG后重新上传", "photo_wrong_format")


def _check_shape(width: int, height: int) -> None:
    size = f"{width}×{height}像素"
    if width >= height:
        raise _refuse(f"照片应为竖版（高大于宽），当前为{size}，请裁剪为3:4的竖版证件照", "photo_not_portrait")
    if abs(width / height - RATIO) / RATIO > TOLERANCE:
        raise _refuse(f"照片宽高比应约为3:4（宽÷高在0.675至0.825之间），当前为{size}（{width / height:.3f}），"
                      "请裁剪为3:4的证件照", "photo_wrong_ratio")
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise _refuse(f"照片太小（{size}），至少需要{MIN_WIDTH}×{MIN_HEIGHT}像素（一寸证件照，300dpi），"
                      "请使用更清晰的原图", "photo_too_small")


def declared_pixels(data: bytes) -> int:
    """How many pixels an image's header declares, i.e. what decoding it costs (0 for no image, which
    ``normalise`` then refuses with its reason)."""
    from PIL import Image
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as img:
            return img.width * img.height
    except Exception:
        return 0


def normalise(data: bytes) -> bytes:
    """Check an uploaded photo and return it in the stored form, or raise with what to fix."""
    from PIL import Image, ImageOps
    if len(data) > MAX_BYTES:
        raise TooLarge(f"照片大小为{len(data) / 1024 / 1024:.1f}MB，超过2MB上限，请压缩后重新上传",
                       code="photo_too_large")
    kind = _format(data)
    try:
        with images.untrusted(data, MAX_PIXELS, (kind,)) as img:
            turned = img.getexif().get(0x0112) in (5, 6, 7, 8)      # EXIF orientation: a quarter turn
            width, height = (img.height, img.width) if turned else img.size
            _check_shape(width, height)
            # A JPEG may decode at 1/2, 1/4 or 1/8 scale: no bigger than the stored size needs.
            scale = max(SIZE[0] / width, SIZE[1] / height)
            img.draft("RGB", (round(img.width * scale), round(img.height * scale)))
            img.load()
            ImageOps.exif_transpose(img, in_place=True)
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                img = Image.new("RGB", rgba.size, "white")
                img.paste(rgba, mask=rgba.getchannel("A"))
            elif img.mode != "RGB":
                img = img.convert("RGB")
            # Crop centred to 3:4, then scale (reducing by whole factors first: fast on big photos).
            width, height = img.size
            crop_w, crop_h = min(width, height * RATIO), min(height, width / RATIO)
            box = ((width - crop_w) / 2, (height - crop_h) / 2, (width + crop_w) / 2, (height + crop_h) / 2)
            img = img.resize(SIZE, Image.Resampling.LANCZOS, box=box, reducing_gap=2.0)
    except images.TooManyPixels as exc:
        size = f"（{exc.size[0]}×{exc.size[1]}）" if exc.size else ""
        raise _refuse(f"照片像素尺寸过大{size}，请缩小到5000×5000像素以内后上传", "photo_too_many_pixels") from None
    except images.Undecodable:
        raise _refuse("照片文件已损坏，无法读取，请重新导出JPEG或PNG后上传", "photo_corrupt") from None
    return _encode(img)


def _encode(img) -> bytes:
    img.info.clear()                # Pillow would carry the source's comment (and more) into the new file
    out = io.BytesIO()
    img.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()
