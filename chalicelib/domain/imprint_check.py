"""The upload rules of a responsible person's signature stamp (上传电子签章, manual 2.1 and 2.2): what is
checked and, for every refusal, what exactly is wrong and how to fix it. Pure: Pillow only."""
from dataclasses import dataclass

from . import images
from .errors import InvalidInput, TooLarge

MAX_BYTES = 1024 * 1024
MAX_PIXELS = 4_000_000               # a decompression bomb declares far more than any stamp needs
MIN_TRANSPARENT = 0.30               # a stamp is strokes on an empty background


@dataclass(frozen=True)
class Shape:
    name: str
    width: int                       # the suggested size, in pixels
    height: int
    tolerance: float                 # how far the aspect ratio may stray, as a fraction

    def describe(self) -> str:
        return f"{self.name}（建议{self.width}×{self.height}像素）"


RECT = Shape("长方形", 140, 50, 0.25)       # 发证机构负责人 (TEO)
SQUARE = Shape("正方形", 95, 95, 0.10)       # 考核站点负责人 (college)
SEAL = Shape("圆形公章（正方形画布）", 240, 240, 0.10)


def _refuse(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code)


def check(data: bytes, shape: Shape) -> tuple[int, int]:
    """Accept a stamp image or raise with the reason and the fix; returns its size."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"图片大小为{len(data) / 1024 / 1024:.1f}MB，超过1MB上限，请压缩后重新上传",
                       code="stamp_too_large")
    if data[:3] == b"\xff\xd8\xff":
        raise _refuse("该文件实际是JPEG图片（仅修改了扩展名），JPEG没有透明背景；请用图片软件导出为带透明背景的PNG",
                      "stamp_is_jpeg")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise _refuse("仅支持PNG格式的图片，请导出为带透明背景的PNG后上传", "stamp_not_png")
    try:
        with images.untrusted(data, MAX_PIXELS, ("PNG",)) as img:
            width, height = img.size
            img.load()
            has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
            rgba = img.convert("RGBA") if has_alpha else None
    except images.TooManyPixels as exc:
        size = f"（{exc.size[0]}×{exc.size[1]}）" if exc.size else ""
        raise _refuse(f"图片像素尺寸过大{size}，请缩小到{shape.describe()}附近", "stamp_too_many_pixels") from None
    except images.Undecodable:
        raise _refuse("图片文件已损坏，无法读取，请重新导出PNG后上传", "stamp_corrupt") from None
    if rgba is None:
        raise _refuse("图片没有透明通道（Alpha），请导出为“透明背景”的PNG", "stamp_no_alpha")
    alpha = rgba.getchannel("A").histogram()
    transparent = sum(alpha[:16]) / (width * height)
    if transparent < MIN_TRANSPARENT:
        raise _refuse("图片背景不是透明的，请去掉白色或彩色底色，只保留签章笔迹后导出为透明背景PNG",
                      "stamp_background_not_transparent")
    ratio, wanted = width / height, shape.width / shape.height
    if abs(ratio - wanted) / wanted > shape.tolerance:
        raise _refuse(f"图片形状不符：当前为{width}×{height}像素，应为{shape.describe()}，请裁剪后重新上传",
                      "stamp_wrong_shape")
    if width < shape.width // 2:
        raise _refuse(f"图片太小（{width}×{height}像素），盖在证书上会模糊，请上传{shape.describe()}",
                      "stamp_too_small")
    return width, height
