"""``reviewer user add|list|passwd|disable|enable|token``: manage workbench users from the shell."""

from __future__ import annotations

import argparse
import getpass
import sys

from reviewer.cli import register
from reviewer.errors import UsageError


def _add_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="user_cmd")
    a = sub.add_parser("add", help="新增用户", description="新增用户（密码以 argon2 哈希保存）")
    a.add_argument("name", help="用户名（登录名）")
    a.add_argument("--role", required=True, choices=["expert", "consultant", "bureau"],
                   help="角色：expert 评估专家 / consultant 咨询机构（只看自己上传的报告）/ bureau 主管部门（看全部）")
    a.add_argument("--group", default="default", help="用户组（误报记忆按组共享；专家可看同组上传的报告）")
    a.add_argument("--display-name", default="", help="显示名")
    a.add_argument("--password", help="密码（不给则交互输入；非交互时从标准输入读一行）")
    sub.add_parser("list", help="列出用户")
    pw = sub.add_parser("passwd", help="修改密码（同时注销该用户所有会话）")
    pw.add_argument("name")
    pw.add_argument("--password", help="新密码（不给则交互输入）")
    for cmd, helptext in (("disable", "停用用户"), ("enable", "启用用户")):
        d = sub.add_parser(cmd, help=helptext)
        d.add_argument("name")
    t = sub.add_parser("token", help="为用户创建接口令牌（HTTP API 的 Bearer token，只显示一次）")
    t.add_argument("name")
    t.add_argument("--label", default="api", help="令牌用途说明")
    t.add_argument("--days", type=float, default=None, help="有效天数（默认见设置 app.api_token_days）")


def _read_password(given: str | None, confirm: bool = True) -> str:
    if given:
        return given
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise UsageError("没有读到密码：请用 --password 指定，或从标准输入提供一行密码。")
        return line
    pw = getpass.getpass("密码：")
    if confirm and getpass.getpass("再次输入密码：") != pw:
        raise UsageError("两次输入的密码不一致。")
    return pw


def _run(a: argparse.Namespace) -> int:
    from reviewer.auth import Auth, add_user, hash_password
    from reviewer.settings import load_settings
    from reviewer.store import ROLE_ZH, Store

    if not getattr(a, "user_cmd", None):
        raise UsageError("请指定子命令：add / list / passwd / disable / enable / token（见 reviewer user -h）。")
    settings = load_settings()
    store = Store.open(settings)
    try:
        if a.user_cmd == "add":
            user = add_user(store, a.name, a.role, _read_password(a.password), group=a.group,
                            display_name=a.display_name)
            print(f"已新增用户“{user.name}”（{ROLE_ZH[user.role]}，用户组 {user.group}）。")
            return 0
        if a.user_cmd == "list":
            users = store.list_users()
            if not users:
                print("还没有用户。用“reviewer user add 用户名 --role expert”新增。")
            for u in users:
                state = "（已停用）" if u.disabled else ""
                print(f"{u.name}\t{ROLE_ZH[u.role]}\t{u.group}\t{u.display_name}{state}")
            return 0
        user = store.get_user_by_name(a.name)
        if user is None:
            raise UsageError(f"没有用户“{a.name}”。")
        if a.user_cmd == "passwd":
            store.update_user(user.id, password_hash=hash_password(_read_password(a.password)), actor="cli")
            print(f"已修改“{user.name}”的密码，其已登录的会话均已注销。")
        elif a.user_cmd in ("disable", "enable"):
            store.update_user(user.id, disabled=(a.user_cmd == "disable"), actor="cli")
            print(f"已{'停用' if a.user_cmd == 'disable' else '启用'}用户“{user.name}”。")
        elif a.user_cmd == "token":
            auth = Auth(store, settings.app.session_ttl_min, settings.app.api_token_days)
            token = auth.create_api_token(user, a.label, a.days)
            print(token)
            print(f"以上是“{user.name}”的接口令牌（只显示这一次）。请求时加请求头：Authorization: Bearer <令牌>",
                  file=sys.stderr)
        return 0
    finally:
        store.close()


register("user", "管理工作台用户（新增、列表、改密码、停用、接口令牌）", _add_args, _run)
