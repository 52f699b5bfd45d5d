"""WECHAT_ID: a WeChat account name introduced by a contact word (微信, 薇信, 加V, vx, wx …).

Contact words include the plus signs that stand for 加 (➕V, ✚v, +微) and a lone ``V`` with a colon, with
or without a symbol between (「V：abc123」, 「V❤：abc123」).

WeChat names are 6–20 characters, starting with a letter, then letters, digits, ``_`` or ``-``. A bare
word of that shape is not a WeChat ID, so the pattern requires the contact word right before it (a
variable-width look-behind; the span is the ID alone). Numbers given as WeChat contacts are phones or QQ
numbers and are found by those recognizers.
"""

from __future__ import annotations

from ._base import CnPatternRecognizer

__all__ = ["CnWechatIdRecognizer", "WECHAT_LOOKBEHIND"]

# Contact words led by a Han character may touch the ID (加微信abc123); Latin ones (vx, wx) must stand
# alone and be followed by a separator, or "型号wxan3qig0" would read as a WeChat ID.
_HAN_WORDS = (r"(?:微信(?:号码?)?|薇信|威信|徽信|维信|v信|加\s*v|[+➕✚＋]\s*(?:v|微|薇)|加\s*[微薇]|私\s*v"
              r"|[微薇威](?=\s*[:：])"
              r"|(?<![A-Za-z0-9])v\s*[\p{So}\p{Sk}]?\s*(?=[:：]))\s*(?:号|id)?\s*(?:也行|也可以|也可|也是|就是|是)?"
              r"\s*[:：]?\s*")
# A particle may stand between the word and the ID (加个vx吧 abc123, vx呀：abc123).
_LATIN_WORDS = (r"(?<![A-Za-z0-9])(?:vx|wx|weixin|wechat(?:\s*id)?)(?:[吧呗呀啊哈嘛哦]\s*[:：]?\s*|\s*号?\s*[:：]\s*|\s+|号\s*)")
WECHAT_LOOKBEHIND = rf"(?<={_HAN_WORDS}|{_LATIN_WORDS})"


class CnWechatIdRecognizer(CnPatternRecognizer):
    ENTITY = "WECHAT_ID"
    PATTERNS = (
        ("wechat_id", WECHAT_LOOKBEHIND + r"[A-Za-z][-_A-Za-z0-9]{5,19}(?![-_A-Za-z0-9])", 0.7),
    )
    # The look-behind read forwards (a contact word, then the shortest ID): far cheaper to search for than
    # the pattern, whose variable-width look-behind is tried at every position.
    REQUIRED = rf"(?:{_HAN_WORDS}|{_LATIN_WORDS})[A-Za-z][-_A-Za-z0-9]{{5}}"
    TRIGGERS = ("微", "薇", "威", "徽", "维", "v", "wx", "wechat", "weixin", "➕", "✚")
    CONTEXT = ("微信", "加v", "vx", "wechat")
