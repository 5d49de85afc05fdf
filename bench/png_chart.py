"""A line chart as a PNG, in pure Python (zlib + struct): enough for the
scale benchmark's one figure, without a plotting library.

    line_chart(path, series, x_ticks, y_label, x_label, log_x=True)

series: [(name, (r, g, b), [(x, y), ...])]; both axes are logarithmic
(y values must be positive). Text uses a 3x5 pixel font of
digits, lower-case letters and a few signs, drawn twice as large.
"""
import math
import struct
import zlib

_FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001010010010", "8": "111101111101111",
    "9": "111101111001111", "a": "000011101101011", "c": "000111100100111",
    "d": "001011101101011", "e": "000111111100111", "h": "100111101101101",
    "i": "010000010010010", "k": "100101110101101", "l": "010010010010010",
    "m": "000111111101101", "n": "000110101101101", "o": "000111101101111",
    "p": "000111101111100", "r": "000111100100100", "s": "000011010001110",
    "t": "010111010010011", "u": "000101101101111", "x": "000101010101101",
    "y": "101101111001111", "g": "000111101111001",
    "b": "100100111101111", "f": "011100110100100", "w": "000101101111111",
    "v": "000101101101010", "(": "010100100100010", ")": "010001001001010", ",": "000000000010100",
    ".": "000000000000010", "/": "001001010100100", "-": "000000111000000",
    " ": "000000000000000", ":": "000010000010000",
}
SCALE = 2


class Canvas:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = bytearray(b"\xff" * (width * height * 3))

    def dot(self, x, y, color):
        if 0 <= x < self.width and 0 <= y < self.height:
            offset = (y * self.width + x) * 3
            self.pixels[offset:offset + 3] = bytes(color)

    def line(self, x0, y0, x1, y1, color, width=1):
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for step in range(steps + 1):
            x = round(x0 + (x1 - x0) * step / steps)
            y = round(y0 + (y1 - y0) * step / steps)
            for dx in range(-(width // 2), width - width // 2):
                for dy in range(-(width // 2), width - width // 2):
                    self.dot(x + dx, y + dy, color)

    def text(self, x, y, text, color=(0, 0, 0)):
        """Left-aligned at x, top at y; the width drawn."""
        for char in text.lower():
            glyph = _FONT.get(char, _FONT[" "])
            for index, bit in enumerate(glyph):
                if bit == "1":
                    for dx in range(SCALE):
                        for dy in range(SCALE):
                            self.dot(x + (index % 3) * SCALE + dx,
                                     y + (index // 3) * SCALE + dy, color)
            x += 4 * SCALE
        return len(text) * 4 * SCALE

    def png(self):
        rows = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3:
                                        (y + 1) * self.width * 3])
            for y in range(self.height))

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", self.width,
                                             self.height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows, 9))
                + chunk(b"IEND", b""))


def _log_ticks(low, high):
    """1-2-5 steps from the last at or below low to the first at or
    above high (a log axis)."""
    magnitude = 10.0 ** math.floor(math.log10(low))
    values = []
    while not values or values[-1] < high:
        values += [factor * magnitude for factor in (1, 2, 5)]
        magnitude *= 10
    first = max(index for index, value in enumerate(values) if value <= low)
    last = min(index for index, value in enumerate(values) if value >= high)
    return [round(value, 6) for value in values[first:last + 1]]


def line_chart(path, series, x_ticks, y_label, x_label, title="",
               width=640, height=420):
    canvas = Canvas(width, height)
    left, right, top, bottom = 70, width - 30, 40, height - 70
    xs = [x for _name, _color, points in series for x, _y in points]
    ys = [y for _name, _color, points in series for _x, y in points]
    if not xs:
        raise ValueError("nothing to draw")
    x_low = math.log10(min(xs + list(x_ticks)))
    x_high = math.log10(max(xs + list(x_ticks)))
    y_ticks = [value for value in _log_ticks(min(ys), max(ys))]
    y_low, y_high = math.log10(y_ticks[0]), math.log10(y_ticks[-1])

    def px(x):
        span = (x_high - x_low) or 1.0
        return round(left + (math.log10(x) - x_low) / span * (right - left))

    def py(y):
        span = (y_high - y_low) or 1.0
        return round(bottom - (math.log10(y) - y_low) / span
                     * (bottom - top))

    grey, black = (220, 220, 220), (0, 0, 0)
    for value in y_ticks:
        canvas.line(left, py(value), right, py(value), grey)
        label = "%g" % value
        canvas.text(left - 8 - len(label) * 4 * SCALE, py(value) - 5, label)
    for tick in x_ticks:
        canvas.line(px(tick), top, px(tick), bottom, grey)
        label = ("%dk" % (tick // 1000)) if tick >= 1000 else str(tick)
        canvas.text(px(tick) - len(label) * 2 * SCALE, bottom + 8, label)
    canvas.line(left, bottom, right, bottom, black)
    canvas.line(left, top, left, bottom, black)
    canvas.text(left, 6, title)
    canvas.text((left + right) // 2 - len(x_label) * 2 * SCALE, bottom + 28,
                x_label)
    canvas.text(8, top - 18, y_label)
    legend_x = left + 10
    legend_y = height - 14
    for name, color, points in series:
        points = sorted(points)
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            canvas.line(px(x0), py(y0), px(x1), py(y1), color, width=2)
        for x, y in points:
            for d in range(-3, 4):
                canvas.line(px(x) - 3, py(y) + d, px(x) + 3, py(y) + d,
                            color)
        canvas.line(legend_x, legend_y, legend_x + 20, legend_y, color, 3)
        legend_x += 40 + canvas.text(legend_x + 26, legend_y - 5, name)
    with open(path, "wb") as out:
        out.write(canvas.png())
