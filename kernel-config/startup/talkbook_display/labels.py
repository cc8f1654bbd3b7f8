"""Axis labels and tick labels as plain text, and the unit in an axis label."""
import re

_SYMBOLS = {
    "mu": "µ", "Omega": "Ω", "ohm": "Ω", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ",
    "Delta": "Δ", "lambda": "λ", "sigma": "σ", "theta": "θ", "pi": "π", "circ": "°", "degree": "°",
    "times": "×", "cdot": "·", "pm": "±", "%": "%", ",": " ", ";": " ", "!": "", " ": " ",
}
_COMMAND = re.compile(r"\\(mathdefault|mathrm|mathit|mathbf|text|rm|it|bf)\s*")
_SYMBOL = re.compile(r"\\([A-Za-z]+|[%,;! ])")
_UNIT = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<round>[^()]{1,24})\)|\[(?P<square>[^\[\]]{1,24})\])\s*$")
_SLASH_UNIT = re.compile(r"^(?P<name>.*\S)\s+/\s+(?P<unit>[^/\s][^/]{0,23})$")


def plain_text(text):
    """Mathtext (`$\\mathdefault{10^{2}}$`, `$\\mu$s`) as readable plain text (`10^2`, `µs`)."""
    text = str(text or "")
    if "$" not in text:
        return text.strip()
    text = text.replace("$", "")
    text = _COMMAND.sub("", text)
    text = _SYMBOL.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(1)), text)
    text = text.replace("^{\\circ}", "°").replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def parse_label(label):
    """("Time (s)") → ("Time", "s"); "Amplitude [Hz]" and "Time / s" too; otherwise (label, None).

    A parenthesised part of more than two words ("Revenue (adjusted for inflation)") is not a unit.
    """
    label = plain_text(label)
    match = _UNIT.match(label)
    if match:
        unit = (match.group("round") or match.group("square")).strip()
        if unit and len(unit.split()) <= 2:
            return match.group("name").strip() or None, unit
    match = _SLASH_UNIT.match(label)
    if match and len(match.group("unit").split()) <= 2:
        return match.group("name").strip(), match.group("unit").strip()
    return label or None, None
