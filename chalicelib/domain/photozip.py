"""A ZIP of candidate photos (照片导入), read defensively: the archive's limits are checked from its
directory before anything is decompressed, each entry is judged on its own (a bad one never blocks the
others), nothing is ever extracted to disk, and no entry is decompressed beyond the photo size limit.

Limits: the ZIP at most 4 MB (its base64 fits Lambda's 6 MB request), at most 300 entries, at most
64 MB declared uncompressed in all, each photo at most 2 MB uncompressed, and at most 150 megapixels
decoded in all (a few KB of PNG can declare 25 megapixels: 300 of them would take minutes to decode).
"""
import io
import re
import stat
import zipfile
from dataclasses import dataclass

from . import idcard
from .errors import InvalidInput, TooLarge
from .masterdata import CANDIDATE_NO
from .photocheck import MAX_BYTES as MAX_PHOTO_BYTES

MAX_ZIP_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 300
MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_PIXELS = 150_000_000
BOMB_RATIO = 50                      # a photo barely compresses; 50:1 and over the size limit is a bomb

_EXTENSIONS = (".jpg", ".jpeg", ".png")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
# What archivers add beside the files (macOS resource forks, Finder and Explorer caches): not photos.
_CLUTTER = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)


class EntryError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Entry:
    name: str                        # as the user's archiver shows it
    info: zipfile.ZipInfo
    key: tuple[str, str] | None = None      # ("candidate_no" | "id_number", value), from the file name
    error: EntryError | None = None


def _display_name(info: zipfile.ZipInfo) -> str:
    """Windows archivers write Chinese names in GBK without the UTF-8 flag; zipfile then reads cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def owner_key(name: str) -> tuple[str, str]:
    """Whose photo a file is, from its name (folders ignored): a 26-digit 考生编号 or an 18-character 身份证号."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or "." + ext.lower() not in _EXTENSIONS:
        raise EntryError("not_an_image", "不是照片文件：仅支持扩展名为 .jpg、.jpeg 或 .png 的JPEG或PNG图片")
    stem = stem.strip()
    if CANDIDATE_NO.match(stem):
        return ("candidate_no", stem)
    if _ID_NUMBER.match(idcard.normalize(stem)):
        return ("id_number", idcard.normalize(stem))
    raise EntryError("bad_file_name", "文件名应为考生的18位身份证号或26位考生编号，"
                     "如 110101199003078515.jpg，请改名后重新打包")


def _judge(info: zipfile.ZipInfo, name: str) -> tuple[str, str]:
    raw = info.filename.replace("\\", "/")
    if "\0" in raw or raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or ".." in raw.split("/"):
        raise EntryError("unsafe_path", "文件路径不安全（含“..”、绝对路径或盘符），已拒绝；请只打包照片文件本身")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise EntryError("symlink", "该文件是符号链接（快捷方式），不是照片，已拒绝；请打包照片文件本身")
    if info.flag_bits & 0x1:
        raise EntryError("encrypted", "该文件已加密，无法读取；请去掉压缩包密码后重新打包")
    if info.file_size > MAX_PHOTO_BYTES:
        if info.file_size > BOMB_RATIO * max(info.compress_size, 1):
            raise EntryError("zip_bomb", f"疑似压缩炸弹：解压后达{info.file_size / 1024 / 1024:.0f}MB，"
                             f"压缩比异常，已拒绝")
        raise EntryError("photo_too_large", f"照片大小为{info.file_size / 1024 / 1024:.1f}MB，超过2MB上限，"
                         "请压缩后重新打包")
    return owner_key(name)


def entries(data: bytes) -> tuple[zipfile.ZipFile, list[Entry]]:
    """The archive and its photo entries in order, each with its owner's key or its error. Directories and
    archiver clutter are left out. Raises for what concerns the whole archive."""
    if len(data) > MAX_ZIP_BYTES:
        raise TooLarge("压缩包过大：上限为4MB，请分成多个压缩包分批导入", code="zip_too_large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        raise InvalidInput("文件不是有效的ZIP压缩包，请将照片打包为.zip后上传", code="invalid_zip") from None
    if len(infos) > MAX_ENTRIES:
        raise TooLarge(f"压缩包内文件过多（{len(infos)}个）：每个压缩包最多{MAX_ENTRIES}个文件，请分批导入",
                       code="zip_too_many_entries")
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise TooLarge("压缩包解压后过大：解压后总大小上限为64MB，请分批导入", code="zip_too_large_uncompressed")
    found = []
    for info in infos:
        if info.is_dir() or _CLUTTER.search(info.filename):
            continue
        entry = Entry(_display_name(info), info)
        try:
            entry.key = _judge(info, entry.name)
        except EntryError as exc:
            entry.error = exc
        found.append(entry)
    if not found:
        raise InvalidInput("压缩包中没有照片文件", code="zip_empty")
    return archive, found


def read(archive: zipfile.ZipFile, entry: Entry) -> bytes:
    """An entry's bytes, never more than the photo limit whatever its header claims."""
    try:
        with archive.open(entry.info) as f:
            data = f.read(MAX_PHOTO_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise EntryError("damaged", "该文件在压缩包中已损坏或压缩方式不受支持，请重新打包") from None
    if len(data) > MAX_PHOTO_BYTES:          # the header lied about the size
        raise EntryError("zip_bomb", "疑似压缩炸弹：解压后的大小与压缩包记录不符，已拒绝")
    return data

