"""Interface text in Chinese (the default) and English.

Messages are data: one key, both languages. A missing key shows the key itself, which a test catches.
"""

from __future__ import annotations

from flask import session

__all__ = ["LANGS", "MESSAGES", "current_lang", "translate"]

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # layout and sign-in
    "app.title": ("riskguard 合规控制台", "riskguard console"),
    "nav.home": ("首页", "Home"),
    "nav.screening": ("内容筛查", "Screening"),
    "nav.review": ("审核队列", "Review queue"),
    "nav.audit": ("审计浏览", "Audit explorer"),
    "nav.payouts": ("结算批次", "Payout batches"),
    "nav.signout": ("退出登录", "Sign out"),
    "lang.switch": ("English", "中文"),
    "login.title": ("使用 API 密钥登录", "Sign in with an API key"),
    "login.key": ("API 密钥", "API key"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("密钥无效或已吊销。", "The key is invalid or revoked."),
    "login.expired": ("会话已过期，请重新登录。", "Your session has expired; please sign in again."),
    "login.signed_out": ("您已退出登录。", "You have signed out."),
    "login.hint": ("密钥只用于验证，不会保存在浏览器中；会话在 30 分钟无操作或 8 小时后过期。",
                   "The key is only checked, never kept in the browser; the session ends after 30 minutes "
                   "idle or 8 hours."),
    "home.title": ("欢迎", "Welcome"),
    "home.role": ("角色", "Role"),
    "home.key": ("密钥编号", "Key id"),
    "home.pages": ("您可以打开的页面", "Pages you can open"),
    "home.none": ("此角色在控制台中没有页面。", "This role has no console pages."),
    "home.desc.screening": ("粘贴文案，查看判定和高亮的违规词。", "Paste a text; see the decision and highlights."),
    "home.desc.review": ("处理待审核的案件。", "Work the open review cases."),
    "home.desc.audit": ("检索、验证并导出审计记录。", "Search, verify and export the audit trail."),
    "home.desc.payouts": ("查看结算批次、被拦截的付款并审批。", "Batches, held payouts, approvals."),
    "error.title": ("无法完成请求", "The request could not be completed"),
    "error.forbidden": ("您的角色无权打开此页面。", "Your role may not open this page."),
    "error.not_found": ("未找到。", "Not found."),
    "error.csrf_failed": ("表单已过期，请刷新页面后重试。", "The form has expired; reload the page and try again."),
    "error.unavailable": ("该功能暂不可用。", "This feature is not available right now."),
    "error.back": ("返回首页", "Back to the home page"),
    "role.screener": ("筛查员", "screener"),
    "role.onboarding": ("入驻专员", "onboarding"),
    "role.reviewer": ("审核员", "reviewer"),
    "role.finance": ("财务", "finance"),
    "role.finance_approver": ("财务审批人", "finance approver"),
    "role.privacy_officer": ("隐私官", "privacy officer"),
    "role.auditor": ("审计员", "auditor"),
    "role.admin": ("管理员", "admin"),
    # screening playground
    "screen.title": ("内容筛查试用", "Screening playground"),
    "screen.text": ("文案", "Text"),
    "screen.kind": ("内容类型", "Kind"),
    "screen.category": ("类目", "Category"),
    "screen.purchase_link": ("带购买链接", "Has a purchase link"),
    "screen.labelled": ("已标注“广告”", "Labelled as an ad"),
    "screen.submit": ("筛查", "Screen"),
    "screen.decision": ("判定", "Decision"),
    "screen.findings": ("命中规则", "Findings"),
    "screen.no_findings": ("未命中任何规则。", "No rule fired."),
    "screen.policy": ("策略版本", "Policy revision"),
    "screen.decision_id": ("判定编号", "Decision id"),
    "kind.ad": ("广告", "ad"),
    "kind.listing": ("商品详情", "listing"),
    "kind.livestream": ("直播脚本", "live-stream script"),
    "decision.allow": ("通过", "allow"),
    "decision.review": ("人工审核", "review"),
    "decision.block": ("拦截", "block"),
    "finding.rule": ("规则", "Rule"),
    "finding.law": ("法律", "Law"),
    "finding.article": ("条款", "Article"),
    "finding.severity": ("严重程度", "Severity"),
    "finding.message": ("问题", "Problem"),
    "finding.suggestion": ("修改建议", "Fix"),
    "finding.evidence": ("原文", "Evidence"),
    # review queue
    "review.title": ("审核队列", "Review queue"),
    "review.case": ("案件", "Case"),
    "review.kind": ("类型", "Kind"),
    "review.category": ("类目", "Category"),
    "review.severity": ("最高严重程度", "Top severity"),
    "review.age": ("等待时长", "Age"),
    "review.min_age": ("至少等待（小时）", "Waiting at least (hours)"),
    "review.filter": ("筛选", "Filter"),
    "review.any": ("全部", "any"),
    "review.empty": ("没有待处理的案件。", "No open cases."),
    "review.open": ("打开", "Open"),
    "review.submitter": ("提交人", "Submitter"),
    "review.decide": ("作出决定", "Decide"),
    "review.reason": ("理由（必填）", "Reason (required)"),
    "review.allow": ("放行", "Allow"),
    "review.block": ("拦截", "Block"),
    "review.own_case": ("这是您自己提交的案件，不能由您决定。", "You submitted this case; you may not decide it."),
    "review.decided": ("已决定", "Decided"),
    "review.application": ("入驻申请（个人信息已脱敏）", "Merchant application (personal fields masked)"),
    "review.text": ("待审文本", "Text under review"),
    "review.reason_required": ("请填写理由。", "A reason is required."),
    "review.status": ("状态", "Status"),
    "review.opened_at": ("创建时间", "Opened"),
    # audit explorer
    "audit.title": ("审计浏览", "Audit explorer"),
    "audit.search": ("检索", "Search"),
    "audit.actor": ("操作者", "Actor"),
    "audit.action": ("动作", "Action"),
    "audit.subject": ("对象", "Subject"),
    "audit.decision": ("判定", "Decision"),
    "audit.since": ("起始时间", "From"),
    "audit.until": ("截止时间", "Until"),
    "audit.time": ("时间", "Time"),
    "audit.index": ("序号", "Index"),
    "audit.none": ("没有符合条件的记录。", "No matching entries."),
    "audit.entry": ("审计记录", "Audit entry"),
    "audit.proof": ("包含性证明", "Inclusion proof"),
    "audit.checkpoint": ("最新签名检查点", "Latest signed checkpoint"),
    "audit.verify": ("在浏览器中验证", "Verify in the browser"),
    "audit.verified": ("已验证：该记录包含在签名检查点的树中。",
                       "Verified: this entry is in the tree of the signed checkpoint."),
    "audit.not_verified": ("验证失败：证明与检查点不符！", "Verification FAILED: the proof does not match!"),
    "audit.server_check": ("服务器端验证", "Server-side check"),
    "audit.signature": ("检查点签名", "Checkpoint signature"),
    "audit.reports": ("审计报告", "Reports"),
    "audit.run": ("运行", "Run"),
    "audit.export": ("导出", "Export"),
    "audit.chart": ("每日判定数量", "Decisions per day"),
    "audit.no_checkpoint": ("尚无签名检查点。", "No signed checkpoint yet."),
    "audit.leaf_hash": ("叶哈希", "Leaf hash"),
    "audit.root_hash": ("根哈希", "Root hash"),
    "audit.tree_size": ("树大小", "Tree size"),
    "audit.prev": ("上一页", "Previous"),
    "audit.next": ("下一页", "Next"),
    # payouts
    "payouts.title": ("结算批次", "Payout batches"),
    "payouts.batch": ("批次", "Batch"),
    "payouts.status": ("状态", "Status"),
    "payouts.count": ("笔数", "Payouts"),
    "payouts.held": ("被拦截", "Held"),
    "payouts.amount": ("金额", "Amount"),
    "payouts.benford": ("首位数字分布（本福特定律）", "First-digit distribution (Benford)"),
    "payouts.approve": ("批准批次", "Approve batch"),
    "payouts.maker": ("创建人", "Maker"),
    "payouts.own_batch": ("您创建了此批次，不能由您批准（制单与审批须分离）。",
                          "You made this batch; maker and checker must differ."),
    "payouts.none": ("没有批次。", "No batches."),
    "payouts.findings": ("发现", "Findings"),
    "chart.observed": ("实际", "observed"),
    "chart.expected": ("预期", "expected"),
    "common.submit": ("提交", "Submit"),
    "common.done": ("已保存。", "Saved."),
}


def current_lang() -> str:
    lang = session.get("lang")
    return lang if lang in LANGS else "zh"


def translate(key: str, lang: str | None = None) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    return pair[LANGS.index(lang or current_lang())]
