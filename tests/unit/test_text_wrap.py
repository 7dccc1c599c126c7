"""Line breaking on the certificate: by character, but never a bracket or a full stop stranded at a line's
edge (the title used to break as '…等级证书（' / '中级）')."""
from chalicelib.render import text

SIZE = 12


def test_an_opening_bracket_goes_down_with_what_it_opens():
    title = "信息化应用职业技能等级证书（中级）"
    room = text.width("信息化应用职业技能等级证书（", SIZE)
    assert text.wrap(title, SIZE, room) == ["信息化应用职业技能等级证书", "（中级）"]


def test_a_closing_mark_never_starts_a_line():
    sentence = "经考核合格，特发此证。"
    room = text.width("经考核合格，特发此证", SIZE)
    assert text.wrap(sentence, SIZE, room) == ["经考核合格，特发此", "证。"]


def test_plain_text_still_fills_each_line():
    assert text.wrap("一二三四五六", SIZE, text.width("一二三", SIZE)) == ["一二三", "四五六"]
