"""Formula neutralisation in written spreadsheets is undone when they are read back."""
from chalicelib import sheets

VALUES = ["+张明", "'李四", "''双撇号", "=1+1", "-", "@SUM(A1)", "普通文字", "\t=1"]


def test_what_is_written_reads_back_unchanged_and_never_as_a_formula():
    data = sheets.write(["值"], [[v] for v in VALUES])
    assert [row["值"] for _, row in sheets.read_rows(data, ["值"])] == VALUES
    assert all(not str(sheets.safe_cell(v)).startswith(("=", "+", "-", "@", "\t")) for v in VALUES)
