"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, real long polling.

It implements what the bot calls (`getMe`, `getUpdates`, `sendMessage`, ...), records
every call in a thread-safe log, lets a test inject updates built by the helpers at
the bottom, and can answer the next N calls of a method with an error (429 with
`retry_after`, 400 "can't parse entities", 502 ...).

Bodies are parsed the way python-telegram-bot sends them: form-encoded with every
non-string value JSON-encoded; JSON bodies and query strings work as well.

Note: like a misbehaving server, `getUpdates` ignores `allowed_updates`: every injected
update is delivered, so tests can check that the bot itself ignores what it should.
"""

from __future__ import annotations

import html.parser
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_ID = 7_000_001
BOT_USERNAME = "qa_test_bot"

# Parameters that python-telegram-bot JSON-encodes in form bodies, and the integer ones.
_JSON_PARAMS = {
    "reply_markup", "results", "commands", "entities", "link_preview_options", "reply_parameters",
    "button", "scope", "allowed_updates", "caption_entities", "media",
}
_INT_PARAMS = {"chat_id", "offset", "limit", "timeout", "message_id", "message_thread_id", "cache_time"}
_BOOL_PARAMS = {"show_alert", "is_personal", "disable_notification", "drop_pending_updates", "protect_content"}


@dataclass
class Call:
    """One request the bot made: its method, parameters, and what the server answered."""

    index: int
    method: str
    params: dict[str, Any]
    time: float
    status: int = 0  # 0 while the server is still answering (a long poll, a retry_after wait)
    result: Any = None

    def __repr__(self) -> str:  # short, for assertion messages
        return f"Call#{self.index}({self.method}, {self.params!r} -> {self.status})"


@dataclass
class _Fault:
    status: int
    description: str
    parameters: dict[str, Any] | None
    when: Callable[[dict[str, Any]], bool] | None = None


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, deque[_Fault]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    commands: list[dict[str, Any]] = field(default_factory=list)
    closing: bool = False


class FakeBotAPI:
    """The server. Use `start()`/`stop()` or as a context manager; `base_url` is what the bot gets."""

    def __init__(self, token: str, username: str = BOT_USERNAME, bot_id: int = BOT_ID) -> None:
        self.token = token
        self.username = username
        self.bot_id = bot_id
        self._state = _State()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100_000)
        self._callback_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._drop_until = 0.0
        self.dropped = 0  # connections dropped by drop_connections()

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fake-bot-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._state.lock:
            self._state.closing = True
            self._state.lock.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL should be: the token is appended by python-telegram-bot."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "QA Test Bot", "username": self.username}

    # --- test-facing helpers ---------------------------------------------------------------

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update = dict(update)
        with self._state.lock:
            update.setdefault("update_id", next(self._update_ids))
            for key in ("message", "edited_message", "channel_post", "callback_query"):
                msg = update.get(key) or {}
                if key == "callback_query":
                    msg = msg.get("message") or {}
                if "chat" in msg:
                    self._state.chats.setdefault(msg["chat"]["id"], msg["chat"])
            self._state.updates.append(update)
            self._state.lock.notify_all()
        return update["update_id"]

    def inject_updates(self, updates: list[dict[str, Any]]) -> list[int]:
        """Queue several updates at once (one lock hold: a waiting getUpdates sees them all)."""
        with self._state.lock:  # a Condition's lock is re-entrant: inject_update nests fine
            return [self.inject_update(update) for update in updates]

    def calls(self, method: str | None = None, predicate: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._state.lock:
            found = [c for c in self._state.calls if method is None or c.method == method]
        return [c for c in found if predicate is None or predicate(c)]

    def wait_for(
        self, method: str, predicate: Callable[[Call], bool] | None = None, timeout: float = 15.0, count: int = 1
    ) -> Call:
        """Block until `count` calls of `method` match `predicate`; return the count-th one."""
        return self.wait_for_all(method, predicate, timeout, count)[count - 1]

    def wait_for_all(
        self, method: str, predicate: Callable[[Call], bool] | None = None, timeout: float = 15.0, count: int = 1
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._state.lock:
            while True:
                found = [
                    c for c in self._state.calls
                    if c.method == method and (predicate is None or predicate(c))
                ]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = self._state.calls[-15:]
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} {method} call(s); "
                        f"matched {len(found)}; recent calls: {recent}"
                    )
                self._state.lock.wait(min(remaining, 0.5))

    def wait_confirmed(self, update_id: int, timeout: float = 15.0) -> None:
        """Block until the bot has fetched `update_id` and confirmed it (offset moved past it)."""
        deadline = time.monotonic() + timeout
        with self._state.lock:
            while any(u["update_id"] <= update_id for u in self._state.updates):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"update {update_id} was not confirmed within {timeout}s")
                self._state.lock.wait(min(remaining, 0.5))

    def fail_next(
        self,
        method: str,
        status: int = 429,
        description: str = "Too Many Requests: retry after 1",
        parameters: dict[str, Any] | None = None,
        times: int = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (whose params satisfy `when`) with an error."""
        if status == 429 and parameters is None:
            parameters = {"retry_after": 1}
        with self._state.lock:
            queue = self._state.faults.setdefault(method, deque())
            for _ in range(times):
                queue.append(_Fault(status, description, parameters, when))

    def drop_connections(self, seconds: float) -> None:
        """For `seconds`, close every connection without an answer (the API 'refusing' the bot)."""
        self._drop_until = time.monotonic() + seconds

    def _should_drop(self) -> bool:
        if time.monotonic() < self._drop_until:
            with self._state.lock:
                self.dropped += 1
            return True
        return False

    def pending_faults(self, method: str) -> int:
        with self._state.lock:
            return len(self._state.faults.get(method, ()))

    # --- update builders (real Bot API shapes) -------------------------------------------------

    def user(self, user_id: int, first_name: str = "Tester") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": "Tester"}
        return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}

    def message(
        self,
        chat_id: int,
        user_id: int | None,
        text: str | None = None,
        chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
        message_id: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": message_id if message_id is not None else next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
        }
        if user_id is not None:
            msg["from"] = self.user(user_id)
        if text is not None:
            msg["text"] = text
            ents = auto_entities(text) if entities is None else entities
            if ents:
                msg["entities"] = ents
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        msg.update(extra)
        return msg

    def text_update(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A message update; a leading /command gets its bot_command entity, @names mention entities."""
        return {"message": self.message(chat_id, user_id, text, chat_type, entities, reply_to)}

    def edited_update(
        self, chat_id: int, user_id: int, text: str, message_id: int, chat_type: str = "private"
    ) -> dict[str, Any]:
        msg = self.message(chat_id, user_id, text, chat_type, message_id=message_id, edit_date=int(time.time()))
        return {"edited_message": msg}

    def sticker_update(self, chat_id: int, user_id: int, chat_type: str = "private") -> dict[str, Any]:
        sticker = {
            "file_id": "CAACAgIAAxkBAAEBfake", "file_unique_id": "AgADfake", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍",
        }
        return {"message": self.message(chat_id, user_id, None, chat_type, sticker=sticker)}

    def photo_update(self, chat_id: int, user_id: int, caption: str | None = None) -> dict[str, Any]:
        photo = [{"file_id": "AgACAgfakephoto", "file_unique_id": "AQADfake", "width": 90, "height": 90}]
        extra: dict[str, Any] = {"photo": photo}
        if caption:
            extra["caption"] = caption
        return {"message": self.message(chat_id, user_id, None, "private", **extra)}

    def channel_post_update(self, chat_id: int, text: str) -> dict[str, Any]:
        return {"channel_post": self.message(chat_id, None, text, "channel")}

    def callback_update(self, user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
        """A press of an inline button under `message` (a Message dict the bot sent)."""
        return {
            "callback_query": {
                "id": f"cbq{next(self._callback_ids)}",
                "from": self.user(user_id),
                "message": message,
                "chat_instance": f"ci{message['chat']['id']}",
                "data": data,
            }
        }

    def inline_update(self, user_id: int, query: str, offset: str = "") -> dict[str, Any]:
        return {
            "inline_query": {
                "id": f"iq{next(self._callback_ids)}",
                "from": self.user(user_id),
                "query": query,
                "offset": offset,
                "chat_type": "sender",
            }
        }

    # --- request handling ------------------------------------------------------------------

    def _record(self, method: str, params: dict[str, Any]) -> Call:
        with self._state.lock:
            call = Call(len(self._state.calls), method, params, time.time())
            self._state.calls.append(call)
            self._state.lock.notify_all()
            return call

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Fault | None:
        with self._state.lock:
            queue = self._state.faults.get(method)
            if not queue:
                return None
            for fault in list(queue):
                if fault.when is None or fault.when(params):
                    queue.remove(fault)
                    return fault
            return None

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        call = self._record(method, params)
        fault = self._take_fault(method, params)
        if fault is not None:
            body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": fault.description}
            if fault.parameters:
                body["parameters"] = fault.parameters
            status = fault.status
        else:
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                status = 404
                body = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            else:
                try:
                    status, body = 200, {"ok": True, "result": handler(params)}
                except _ApiError as exc:
                    status = exc.status
                    body = {"ok": False, "error_code": exc.status, "description": exc.description}
        with self._state.lock:
            call.status = status
            call.result = body.get("result")
            self._state.lock.notify_all()
        return status, body

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 60)
        with self._state.lock:
            if offset:
                # Telegram forgets updates below the offset: they are confirmed.
                self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]
                self._state.lock.notify_all()
            while True:
                ready = [u for u in self._state.updates if u["update_id"] >= offset][:limit]
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0 or self._state.closing:
                    return ready
                self._state.lock.wait(remaining)

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not (1 <= len(command.get("command", "")) <= 32 and 1 <= len(command.get("description", "")) <= 256):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        with self._state.lock:
            self._state.commands = list(commands)
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._state.lock:
            return list(self._state.commands)

    def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        _require(params, "chat_id", "action")
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        _require(params, "chat_id", "text")
        text = params["text"]
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        if params.get("parse_mode") == "HTML":
            problem = html_problem(text)
            if problem:
                raise _ApiError(400, f"Bad Request: can't parse entities: {problem}")
        chat_id = params["chat_id"]
        with self._state.lock:
            chat = self._state.chats.get(chat_id) or self.chat(chat_id)
            msg: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "from": self.bot_user,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            if params.get("reply_markup"):
                msg["reply_markup"] = params["reply_markup"]
            self._state.sent[(chat_id, msg["message_id"])] = msg
        return msg

    def _edited(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        _require(params, "chat_id", "message_id")
        with self._state.lock:
            msg = self._state.sent.get((params["chat_id"], params["message_id"]))
            if msg is None:
                raise _ApiError(400, "Bad Request: message to edit not found")
            if "text" in params:
                msg["text"] = params["text"]
            if params.get("reply_markup"):
                msg["reply_markup"] = params["reply_markup"]
            else:
                msg.pop("reply_markup", None)
            msg["edit_date"] = int(time.time())
            return dict(msg)

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        _require(params, "text")
        return self._edited(params)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        return self._edited(params)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        _require(params, "callback_query_id")
        return True

    def _api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        _require(params, "inline_query_id")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise _ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        return True

    def _api_deleteMessage(self, params: dict[str, Any]) -> bool:
        return True

    def _api_close(self, params: dict[str, Any]) -> bool:
        return True

    def _api_logOut(self, params: dict[str, Any]) -> bool:
        return True


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _require(params: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if n not in params]
    if missing:
        raise _ApiError(400, f"Bad Request: {missing[0]} is required")


def _coerce(name: str, value: str) -> Any:
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in _INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value
    if name in _BOOL_PARAMS:
        return value.lower() == "true"
    return value


def _make_handler(api: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
            pass

        def _params(self) -> dict[str, Any]:
            parts = urlsplit(self.path)
            params: dict[str, Any] = {k: _coerce(k, v) for k, v in parse_qsl(parts.query)}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if raw and ctype == "application/json":
                params.update(json.loads(raw.decode("utf-8")))
            elif raw:
                for k, v in parse_qsl(raw.decode("utf-8"), keep_blank_values=True):
                    params[k] = _coerce(k, v)
            return params

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _dispatch(self) -> None:
            path = urlsplit(self.path).path
            prefix = f"/bot{api.token}/"
            try:
                params = self._params()
            except ValueError:
                self._reply(400, {"ok": False, "error_code": 400, "description": "Bad Request: bad body"})
                return
            if api._should_drop():
                self.close_connection = True  # no status line: the client sees a dropped connection
                return
            if not path.startswith(prefix):
                if path.startswith("/bot"):
                    self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                else:
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            status, body = api.handle(path[len(prefix):], params)
            self._reply(status, body)

        do_GET = _dispatch
        do_POST = _dispatch

    return Handler


# --- entities, HTML checks -------------------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def auto_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram would attach: a leading /command, and @username mentions."""
    import re

    entities: list[dict[str, Any]] = []
    match = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if match:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))})
    for m in re.finditer(r"(?<![\w@])@[A-Za-z0-9_]{3,32}", text):
        if match and m.start() < match.end():
            continue
        entities.append({"type": "mention", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))})
    return entities


ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "tg-spoiler", "span", "tg-emoji",
}


class _TelegramHTMLChecker(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"unsupported start tag {tag!r}")
        elif tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.problems.append("span without class tg-spoiler")
        elif tag == "a" and not dict(attrs).get("href"):
            self.problems.append("a without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing tag {tag!r}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced end tag {tag!r}")
        else:
            self.stack.pop()


def html_problem(text: str) -> str | None:
    """Why Telegram would reject `text` in HTML parse mode, or None when it parses."""
    import re

    # A bare '<' or '&' that is not a tag or an entity is rejected by Telegram.
    if re.search(r"<(?![a-zA-Z/])", text):
        return "unsupported start tag at a bare '<'"
    if re.search(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)", text):
        return "bare '&' is not an entity"
    checker = _TelegramHTMLChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        checker.problems.append(f"unclosed tags {checker.stack}")
    return checker.problems[0] if checker.problems else None
