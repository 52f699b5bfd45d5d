"""IP_ADDRESS, fixed for Chinese text: digit and hex look-arounds instead of ``\\b``.

IPv4 that follows 版本/version/v is a version string, not an address.
"""

from __future__ import annotations

import ipaddress

from ._base import CnPatternRecognizer

__all__ = ["CnIpRecognizer"]

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"


class CnIpRecognizer(CnPatternRecognizer):
    ENTITY = "IP_ADDRESS"
    PATTERNS = (
        ("ipv4", rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?:/(?:3[0-2]|[12]?\d))?(?!\.?\d)", 0.6),
        ("ipv6", r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:|:){2,7}(?::|[0-9A-Fa-f]{1,4})"
                 r"(?![0-9A-Fa-f:])", 0.6),
    )
    TRIGGERS = (".", ":")
    CONTEXT = ("ip", "ip地址", "地址", "登录", "ipv4", "ipv6")
    NEGATIVE_CONTEXT = ("版本", "version", "ver", "v", "固件", "系统")
    NEGATIVE_WINDOW = 3

    def validate_result(self, pattern_text: str) -> bool:
        try:
            ipaddress.ip_interface(pattern_text)
        except ValueError:
            return False
        return True
