"""The Telegram transport: `qa-bot serve` on python-telegram-bot v22 (asyncio, long polling).

Everything a user reads is rendered by `qa_bot.render`; this module decides when to
answer, asks the answering core (off the event loop), and makes sure the reply arrives.

Who gets answered, and how:

- Private chats: every text message is a question. Groups: only when addressed —
  `/ask question`, a message that mentions @botname (the mention is stripped), or a
  reply to one of the bot's messages. Other group chatter is ignored.
- Edited messages are answered as new questions (in groups only when addressed): a
  user who fixes a typo wants the answer to the corrected question; the earlier
  answer stays where it is. Channel posts are ignored.
- Stickers, photos and other non-text messages in a private chat get a polite "text
  questions only"; an unknown command a short hint; empty or whitespace questions
  the how-to-ask text. Commands ignore arguments they do not take.
- `QA_BOT_ALLOWED_CHATS`, when set, is enforced for messages, button presses and
  inline queries (for inline queries the user's id is the chat id); others get one
  polite refusal per chat. Admins (`QA_BOT_ADMINS`) are always allowed.
- Each user may ask `settings.rate_limit_per_minute` questions a minute (admins are
  exempt); past that they get one polite "please wait" per minute.

Replies are HTML with every piece of corpus or user text escaped. When Telegram
still rejects the markup ("can't parse entities") the same text is resent plain.
Results come `settings.page_size` at a time with a "More results" button; the
button's data is `more:<key>:<start>` and the key points into a bounded per-chat
cache of answers, so after a restart an old button politely says to ask again.
Everything sent passes one overall budget of `settings.send_rate` messages a second
(`QA_BOT_SEND_RATE`, default 30: Telegram's free broadcast limit; 0 = none) and Telegram's
20 a minute per group; flood limits (429 RetryAfter) are honoured either way (`qa_bot.limits`).
"Typing…" is shown only when an answer takes longer than `TYPING_DELAY` (a fast answer
needs none, and each action is a request that counts against the budget), once per chat
however many questions wait there, and never while answers are queued for sending.
Any unexpected error is logged and the user gets a short apology, never a traceback.

The token never reaches the output (`qa_bot.logs`): httpx, which logs request URLs that
carry it, is kept below INFO, and every log record is redacted as well.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import secrets
import signal
import sys
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from qa_bot import render
from qa_bot.batching import AnswerBatcher
from qa_bot.feedback import FeedbackLog
from qa_bot.limits import RateLimiter, TypingShown, connections_for, send_limiter, skip_missing_sniffio
from qa_bot.logs import configure_logging
from qa_bot.models import Answer, Coverage, Document, Hit
from qa_bot.settings import Settings

log = logging.getLogger(__name__)

# --- what the bot says -------------------------------------------------------------

APOLOGY = "Sorry — something went wrong on my side. Please try again in a moment."
EXPIRED = "That answer has expired — please ask again."
ALREADY_SHOWN = "Those results are already shown above."
TEXT_ONLY = "I answer text questions only — please type your question."
NOT_ALLOWED = "Sorry, this bot is private: it only answers in the chats it was set up for."
UNKNOWN_COMMAND = "I don't know that command. Try /help — or just type your question."
EMPTY_QUESTION = "Please type a question.\n\n" + render.HOW_TO_ASK
ASK_USAGE = "Usage: /ask followed by your question.\n\n" + render.HOW_TO_ASK
RELOAD_NOT_YET = "Reloading the index from Telegram is not available yet: restart `qa-bot serve` instead."
ADMINS_ONLY = "That command is for the bot's admins."
RATE_LIMITED = "You're asking faster than I can keep up — please wait about {seconds} s and ask again."
INLINE_HINT = "Type a question about the news coverage"
INLINE_NONE = "No answer in my coverage — tap for help"

COMMANDS = (
    ("start", "What I cover and how to ask"),
    ("help", "How to ask: in private, in groups and inline"),
    ("sources", "The articles I answer from"),
    ("ask", "Ask a question (in groups: /ask your question)"),
)

MORE_PREFIX = "more"
INLINE_RESULTS = 5
CACHE_PER_CHAT = 50
CACHE_TOTAL = 1000
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TYPING_DELAY = 0.5  # seconds: an answer ready sooner needs no "typing…"
TYPING_RECHECK = 1.0  # a pending question checks this often whether its chat still shows typing
TYPING_GRACE = 1.0  # an answer waits at most this long for a typing request in flight
_MESSAGES = filters.UpdateType.MESSAGES  # new and edited messages; never channel posts


class AnswererLike(Protocol):
    def ask(self, question: str, k: int | None = None) -> Answer: ...
    def coverage(self) -> Coverage: ...
    def documents(self) -> list[Document]: ...


# --- pure helpers (unit-tested) ------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")  # inside a word: "Alep\u00adpo" is "Aleppo"


def clean_question(text: str | None) -> str:
    """Control and zero-width characters out, whitespace collapsed; '' when nothing is left."""
    if not text:
        return ""
    return " ".join(_CONTROL.sub(" ", _INVISIBLE.sub("", text)).split())


def _mention_pattern(username: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@])@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE)


def mentions(text: str, username: str | None) -> bool:
    return bool(username) and bool(_mention_pattern(username).search(text))  # type: ignore[arg-type]


def strip_mention(text: str, username: str | None) -> str:
    if username:
        text = _mention_pattern(username).sub(" ", text)
    return clean_question(text)


def addressed_question(message: Message, username: str | None, bot_id: int | None) -> str | None:
    """The question in `message` if it is meant for the bot, else None (group chatter)."""
    text = message.text or ""
    if message.via_bot is not None and bot_id is not None and message.via_bot.id == bot_id:
        return None  # a quote the user sent through our inline mode, not a question
    if message.chat.type == ChatType.PRIVATE:
        return strip_mention(text, username)
    reply = message.reply_to_message
    replied_to_bot = bool(reply and reply.from_user and bot_id is not None and reply.from_user.id == bot_id)
    if replied_to_bot or mentions(text, username):
        return strip_mention(text, username)
    return None


def command_text(message: Message) -> str:
    """What follows the leading /command (or /command@bot) of a message."""
    text = message.text or ""
    entity = message.entities[0] if message.entities else None
    if entity is not None and entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
        # Commands are ASCII, so the entity's UTF-16 length is also the Python length.
        return text[entity.length :]
    return text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""


def command_target(message: Message) -> str | None:
    """The @botname a command is addressed to ('/cmd@name'), lower-cased, or None."""
    first = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    return first.partition("@")[2].lower() or None


def html_to_plain(text: str) -> str:
    """The same message without markup: links keep their address, entities are decoded."""
    with_links = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m.group(2)} ({m.group(1)})", text, flags=re.S)
    plain = html.unescape(re.sub(r"<[^>]+>", "", with_links))
    if render.utf16_len(plain) > render.TELEGRAM_LIMIT:
        plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return plain


def more_button(key: str, start: int, total: int, page: int) -> InlineKeyboardMarkup:
    end = min(start + page, total)
    label = f"More results ({start + 1}–{end} of {total})" if end > start + 1 else f"More results ({end} of {total})"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"{MORE_PREFIX}:{key}:{start}")]])


VOTE_PREFIX = "vote"
THANKS_FOR_VOTE = "Thank you — this helps us choose which articles to add."


def with_vote_buttons(markup: InlineKeyboardMarkup | None, question_id: int) -> InlineKeyboardMarkup:
    rows = [list(row) for row in markup.inline_keyboard] if markup else []
    rows.append([InlineKeyboardButton("👍", callback_data=f"{VOTE_PREFIX}:{question_id}:1"),
                 InlineKeyboardButton("👎", callback_data=f"{VOTE_PREFIX}:{question_id}:-1")])
    return InlineKeyboardMarkup(rows)


def parse_vote(data: str | None) -> tuple[int, int] | None:
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != VOTE_PREFIX or not parts[1].isdigit() or parts[2] not in ("1", "-1"):
        return None
    return int(parts[1]), int(parts[2])


def parse_more(data: str | None) -> tuple[str, int] | None:
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != MORE_PREFIX or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


@dataclass
class CachedAnswer:
    question: str
    answer: Answer
    shown: int  # how many results have been sent so far


class AnswerCache:
    """Answers kept for their More buttons: LRU, at most `per_chat` a chat and `total` overall."""

    def __init__(self, per_chat: int = CACHE_PER_CHAT, total: int = CACHE_TOTAL) -> None:
        self.per_chat = per_chat
        self.total = total
        self._entries: OrderedDict[tuple[int, str], CachedAnswer] = OrderedDict()
        self._counts: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, chat_id: int, question: str, answer: Answer, shown: int) -> str:
        key = secrets.token_urlsafe(6)  # 8 characters from [A-Za-z0-9_-]: never ':'
        while (chat_id, key) in self._entries:
            key = secrets.token_urlsafe(6)
        self._entries[(chat_id, key)] = CachedAnswer(question, answer, shown)
        self._counts[chat_id] = self._counts.get(chat_id, 0) + 1
        if self._counts[chat_id] > self.per_chat:
            oldest = next(k for k in self._entries if k[0] == chat_id)
            self._drop(oldest)
        while len(self._entries) > self.total:
            self._drop(next(iter(self._entries)))
        return key

    def get(self, chat_id: int, key: str) -> CachedAnswer | None:
        entry = self._entries.get((chat_id, key))
        if entry is not None:
            self._entries.move_to_end((chat_id, key))
        return entry

    def chat_size(self, chat_id: int) -> int:
        return self._counts.get(chat_id, 0)

    def _drop(self, full_key: tuple[int, str]) -> None:
        del self._entries[full_key]
        chat_id = full_key[0]
        self._counts[chat_id] -= 1
        if not self._counts[chat_id]:
            del self._counts[chat_id]


# --- the bot -------------------------------------------------------------------------


class QABot:
    """The handlers, with the answerer, the answer cache and the rate limiter they share."""

    def __init__(self, settings: Settings, answerer: AnswererLike) -> None:
        self.settings = settings
        self.answerer = answerer
        self.typing_delay = TYPING_DELAY
        self.typing_shown = TypingShown()
        self.page = max(1, settings.page_size)
        self.cache = AnswerCache()
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        # Concurrent questions share one encode; the lookup is per call, so a reload's
        # new answerer serves the next batch.
        self.batcher = AnswerBatcher(self._answer_many)
        # Opt-in (QA_BOT_FEEDBACK_DB): questions are logged and answers get 👍/👎 buttons.
        self.feedback = FeedbackLog(settings.feedback_db) if settings.feedback_db else None
        # Inline queries arrive as the user types: a more generous budget of their own.
        self.inline_limiter = RateLimiter(settings.rate_limit_per_minute * 3)
        self._refused: OrderedDict[int, None] = OrderedDict()
        self.reloader: Any = None  # a qa_bot.reload.Reloader when serving a real index (set by serve)

    def register(self, app: Application) -> None:
        app.add_handler(TypeHandler(Update, self.gate), group=-1)
        app.add_handler(CommandHandler("start", self.cmd_start))
        app.add_handler(CommandHandler("help", self.cmd_help))
        app.add_handler(CommandHandler("sources", self.cmd_sources))
        app.add_handler(CommandHandler("ask", self.cmd_ask))
        app.add_handler(CommandHandler("reload", self.cmd_reload))
        app.add_handler(MessageHandler(_MESSAGES & filters.COMMAND, self.on_unknown_command))
        app.add_handler(MessageHandler(_MESSAGES & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(_MESSAGES & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_not_text))
        app.add_handler(CallbackQueryHandler(self.on_more, pattern=rf"^{MORE_PREFIX}:"))
        app.add_handler(CallbackQueryHandler(self.on_vote, pattern=rf"^{VOTE_PREFIX}:"))
        app.add_handler(CallbackQueryHandler(self.on_stale_button))
        app.add_handler(InlineQueryHandler(self.on_inline))
        app.add_error_handler(self.on_error)

    # --- access control ---------------------------------------------------------------

    def allowed(self, chat_id: int | None, user_id: int | None) -> bool:
        if not self.settings.allowed_chats:
            return True
        if user_id is not None and user_id in self.settings.admins:
            return True
        return chat_id is not None and chat_id in self.settings.allowed_chats

    async def gate(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group -1: drop channel posts and updates from chats that are not allowed."""
        if not isinstance(update, Update):
            raise ApplicationHandlerStop
        if update.channel_post or update.edited_channel_post:
            raise ApplicationHandlerStop
        user_id = update.effective_user.id if update.effective_user else None
        if update.inline_query:
            if not self.allowed(user_id, user_id):
                log.info("inline query from user %s refused: not in the allowlist", user_id)
                await update.inline_query.answer([], cache_time=0, is_personal=True)
                raise ApplicationHandlerStop
            return
        if update.callback_query:
            message = update.callback_query.message
            chat_id = message.chat.id if message else None
            if not self.allowed(chat_id, user_id):
                log.info("button press in chat %s refused: not in the allowlist", chat_id)
                await update.callback_query.answer(NOT_ALLOWED, show_alert=True)
                raise ApplicationHandlerStop
            return
        chat = update.effective_chat
        message = update.effective_message
        if chat is None or message is None:
            return
        if self.allowed(chat.id, user_id):
            return
        if chat.id not in self._refused and self._is_addressed(message, context):
            self._refused[chat.id] = None
            if len(self._refused) > 10_000:
                self._refused.popitem(last=False)
            log.info("chat %s refused: not in the allowlist", chat.id)
            await self._send(context, message, NOT_ALLOWED, html_mode=False)
        raise ApplicationHandlerStop

    def _is_addressed(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        if message.text and message.text.startswith("/"):
            target = command_target(message)
            return target is None or target == (context.bot.username or "").lower()
        return addressed_question(message, context.bot.username, context.bot.id) is not None

    # --- commands ---------------------------------------------------------------------

    async def cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        coverage = await asyncio.to_thread(self.answerer.coverage)
        username = context.bot.username
        text = "\n\n".join(
            [
                "<b>Hello!</b> I answer questions about the news by quoting the articles, "
                "with the outlet and the date of every quote.",
                html.escape(render.coverage_text(coverage), quote=False),
                html.escape(render.HOW_TO_ASK, quote=False),
                "In a group, write <code>/ask your question</code> or mention "
                f"@{html.escape(username or 'me', quote=False)}. /sources lists the articles; /help says more.",
            ]
        )
        await self._send(context, update.effective_message, text)

    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        name = html.escape(context.bot.username or "botname", quote=False)
        text = "\n\n".join(
            [
                "<b>How to ask</b>\n" + html.escape(render.HOW_TO_ASK, quote=False),
                f"I show {self.page} results at a time; press <i>More results</i> for the next ones. "
                "Every result is a quote with its outlet, date and a link to the article.",
                "<b>Private chat</b>: just type your question.\n"
                f"<b>Groups</b>: <code>/ask your question</code>, mention @{name}, or reply to one of my messages.\n"
                f"<b>Any chat</b>: type <code>@{name} your question</code> and pick a quote.",
                "/start — what I cover\n/sources — the articles I answer from\n/help — this message",
            ]
        )
        await self._send(context, update.effective_message, text)

    async def cmd_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        documents = await asyncio.to_thread(self.answerer.documents)
        if not documents:
            await self._send(context, update.effective_message, html.escape(render.coverage_text(None), quote=False))
            return
        blocks = [f"<b>The {len(documents)} articles I answer from</b>", *render.articles_html(documents)]
        for text in render.pack_messages(blocks):
            await self._send(context, update.effective_message, text)

    async def cmd_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        question = strip_mention(command_text(message), context.bot.username)
        if not question:
            await self._send(context, message, ASK_USAGE, html_mode=False)
            return
        await self.answer_question(update, context, question)

    async def cmd_reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        is_admin = user is not None and user.id in self.settings.admins
        if not is_admin or self.reloader is None:
            await self._send(context, update.effective_message, RELOAD_NOT_YET if is_admin else ADMINS_ONLY, html_mode=False)
            return
        log.info("reload requested by admin %s", user.id)
        result = await self.reloader.reload(f"/reload by admin {user.id}")
        await self._send(context, update.effective_message, result.message, html_mode=False)

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        target = command_target(message)
        ours = (context.bot.username or "").lower()
        # Commands for other bots are not ours; in groups neither are commands without @name.
        if target not in (None, ours) or (target is None and message.chat.type != ChatType.PRIVATE):
            return
        await self._send(context, message, UNKNOWN_COMMAND, html_mode=False)

    # --- questions --------------------------------------------------------------------

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        question = addressed_question(update.effective_message, context.bot.username, context.bot.id)
        if question is None:
            return
        await self.answer_question(update, context, question)

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message.chat.type == ChatType.PRIVATE:
            # An empty text is a (blank) question, anything else (sticker, photo ...) is not text.
            await self._send(context, message, EMPTY_QUESTION if message.text is not None else TEXT_ONLY, html_mode=False)

    async def answer_question(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        message = update.effective_message
        question = clean_question(question)
        if not question:
            await self._send(context, message, EMPTY_QUESTION, html_mode=False)
            return
        user = update.effective_user
        if user is not None and user.id not in self.settings.admins:
            admission = self.limiter.admit(user.id)
            if not admission.allowed:
                log.info("user %s rate-limited (%.0f s to wait)", user.id, admission.wait)
                if admission.warn:
                    seconds = max(1, round(admission.wait))
                    await self._send(context, message, RATE_LIMITED.format(seconds=seconds), html_mode=False)
                return
        answered = asyncio.Event()
        typing = asyncio.create_task(self._typing_until(answered, context, message))
        try:
            answer = await self.batcher.ask(question, self.settings.max_results)
        finally:
            answered.set()
            await _finish(typing)
        markup = None
        if len(answer.hits) > self.page:
            key = self.cache.put(message.chat.id, question, answer, shown=self.page)
            markup = more_button(key, self.page, len(answer.hits), self.page)
        if self.feedback is not None:
            question_id = await asyncio.to_thread(self.feedback.record, message.chat.id, answer)
            if answer.hits:
                markup = with_vote_buttons(markup, question_id)
        await self._send_pages(context, message, render.answer_html(answer, 0, self.page), markup, quote=True)

    def _answer_many(self, questions: list[str], k: int) -> list[Answer]:
        answerer = self.answerer
        many = getattr(answerer, "ask_many", None)
        return many(questions, k) if many else [answerer.ask(q, k=k) for q in questions]

    async def on_vote(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        parsed = parse_vote(query.data)
        message = query.message if isinstance(query.message, Message) else None
        if self.feedback is None or parsed is None or message is None:
            await query.answer(EXPIRED)
            return
        recorded = await asyncio.to_thread(self.feedback.vote, parsed[0], message.chat.id, parsed[1])
        await query.answer(THANKS_FOR_VOTE if recorded else EXPIRED)

    async def on_more(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        parsed = parse_more(query.data)
        message = query.message if isinstance(query.message, Message) else None
        entry = self.cache.get(message.chat.id, parsed[0]) if parsed and message else None
        if entry is None or parsed is None or message is None:
            await query.answer(EXPIRED)
            return
        key, start = parsed
        total = len(entry.answer.hits)
        if start != entry.shown or start >= total:
            await query.answer(ALREADY_SHOWN)
            return
        entry.shown = min(start + self.page, total)  # before any await: a double press sends once
        await query.answer()
        markup = more_button(key, entry.shown, total, self.page) if entry.shown < total else None
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as exc:  # the message is gone or already has no button: not worth failing for
            log.debug("could not remove the More button: %s", exc)
        await self._send_pages(context, message, render.answer_html(entry.answer, start, self.page), markup, quote=False)

    async def on_stale_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer(EXPIRED)

    async def on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        question = clean_question(query.query)
        if not question:
            await query.answer([], cache_time=5, button=InlineQueryResultsButton(INLINE_HINT, start_parameter="help"))
            return
        user = query.from_user
        if user.id not in self.settings.admins and not self.inline_limiter.admit(user.id).allowed:
            await query.answer([], cache_time=0, is_personal=True)
            return
        answer = await asyncio.to_thread(self.answerer.ask, question, k=INLINE_RESULTS)
        results = [inline_article(hit, n, question) for n, hit in enumerate(answer.hits[:INLINE_RESULTS], 1)]
        button = None if results else InlineQueryResultsButton(INLINE_NONE, start_parameter="help")
        await query.answer(results, cache_time=30, button=button)

    # --- errors -----------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("error while handling an update: %r", error, exc_info=error)
        if not isinstance(update, Update) or isinstance(error, Forbidden):
            return
        try:
            if update.callback_query:
                await update.callback_query.answer(APOLOGY)
            elif update.effective_message and update.effective_chat and update.effective_chat.type != ChatType.CHANNEL:
                await self._send(context, update.effective_message, APOLOGY, html_mode=False)
        except Exception as exc:  # noqa: BLE001 - the apology is best effort
            log.warning("could not send the apology: %r", exc)

    # --- delivery ---------------------------------------------------------------------

    async def _typing_until(
        self, answered: asyncio.Event, context: ContextTypes.DEFAULT_TYPE, message: Message
    ) -> None:
        """'typing…' from `typing_delay` after the question until `answered` is set.

        Most answers take a few tens of milliseconds: they need no indicator, and not
        sending one halves the requests per question. A slow one (a burst, a reload)
        shows typing unless its chat already does, renewed before Telegram lets it lapse.
        A request in flight is never cancelled (that would close its connection); the
        answer waits for it instead, so typing never follows the answer.
        """
        key = (message.chat.id, _thread_id(message))
        pause = self.typing_delay
        while not await _set_within(answered, pause):
            if self.typing_shown.due(key):
                self.typing_shown.shown(key)  # before the request: the chat's other questions wait on it
                if not await self._typing(context, message):
                    self.typing_shown.cleared(key)
            pause = TYPING_RECHECK

    async def _typing(self, context: ContextTypes.DEFAULT_TYPE, message: Message) -> bool:
        """Send the typing action; False when it was not sent (skipped while busy, or failed)."""
        try:
            return bool(await context.bot.send_chat_action(
                message.chat.id, ChatAction.TYPING, message_thread_id=_thread_id(message)
            ))
        except TelegramError as exc:
            log.debug("typing action failed: %s", exc)
            return False

    async def _send_pages(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        message: Message,
        texts: Iterable[str],
        markup: InlineKeyboardMarkup | None,
        quote: bool,
    ) -> None:
        texts = list(texts)
        for i, text in enumerate(texts):
            last = i == len(texts) - 1
            await self._send(context, message, text, markup=markup if last else None, quote=quote and i == 0)

    async def _send(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        message: Message,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        html_mode: bool = True,
        quote: bool = True,
    ) -> Message:
        """Send `text` to the chat of `message` (as a reply in groups); plain-text fallback on bad markup."""
        kwargs: dict[str, Any] = {
            "reply_markup": markup,
            "link_preview_options": _NO_PREVIEW,
            "message_thread_id": _thread_id(message),
        }
        if quote and message.chat.type != ChatType.PRIVATE:
            kwargs["reply_parameters"] = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        sent = await self._send_html_or_plain(context, message.chat.id, text, html_mode, kwargs)
        self.typing_shown.cleared((message.chat.id, kwargs["message_thread_id"]))  # a message ends "typing…"
        return sent

    async def _send_html_or_plain(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, html_mode: bool, kwargs: dict[str, Any]
    ) -> Message:
        if not html_mode:
            return await _deliver(context, chat_id, text, **kwargs)
        try:
            return await _deliver(context, chat_id, text, parse_mode=ParseMode.HTML, **kwargs)
        except BadRequest as exc:
            if "can't parse entities" not in str(exc).lower():
                raise
            log.warning("Telegram rejected the HTML (%s): resending as plain text", exc)
            return await _deliver(context, chat_id, html_to_plain(text), **kwargs)


async def _set_within(event: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `event`; whether it is set."""
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
    except TimeoutError:
        pass
    return event.is_set()


async def _finish(task: asyncio.Task[None]) -> None:
    """Wait for the typing task (told to stop) to end, so nothing it sends follows the answer.

    A typing request in flight normally completes in a round trip; one that hangs is
    cancelled after `TYPING_GRACE` rather than holding the answer back.
    """
    done, _ = await asyncio.wait([task], timeout=TYPING_GRACE)
    if not done:
        task.cancel()
        await asyncio.wait([task])
    if not task.cancelled() and task.exception() is not None:
        log.warning("typing task failed: %r", task.exception())


SEND_RETRIES = (1.0, 2.0, 4.0, 8.0)


async def _deliver(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, **kwargs: Any) -> Message:
    """sendMessage, retried while Telegram is unreachable (connection refused or dropped, 5xx).

    A timeout is not retried: the message may have arrived, and a user must never get an
    answer twice. Flood limits (429) are retried by the AIORateLimiter underneath.
    """
    for delay in (*SEND_RETRIES, None):
        try:
            return await context.bot.send_message(chat_id, text, **kwargs)
        except (TimedOut, BadRequest):  # BadRequest is a NetworkError in python-telegram-bot
            raise
        except NetworkError as exc:
            if delay is None:
                raise
            log.warning("sending to chat %s failed (%s); retrying in %.0f s", chat_id, exc, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def _thread_id(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


def inline_article(hit: Hit, number: int, question: str) -> InlineQueryResultArticle:
    passage = hit.passage
    block = f"❓ <i>{html.escape(render.shorten(question), quote=False)}</i>\n\n{render.hit_html(hit, number)}"
    return InlineQueryResultArticle(
        id=f"{number}-{passage.id}"[:64],
        title=render.attribution(passage),
        description=render.shorten(passage.text, 120),
        input_message_content=InputTextMessageContent(
            render.pack_messages([block])[0], parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW
        ),
    )


async def _post_init(app: Application) -> None:
    try:
        await app.bot.set_my_commands([BotCommand(name, description) for name, description in COMMANDS])
    except TelegramError as exc:  # the bot works without the command menu
        log.warning("could not register the commands with Telegram: %s", exc)


async def _post_shutdown(app: Application) -> None:
    bot = app.bot_data.get("qa_bot")
    if bot is not None:
        await bot.batcher.close()


SERVE_ENCODE_BATCH = 32


def serving_embedder(embedder: Any) -> Any:
    """The embedder, encoding questions `SERVE_ENCODE_BATCH` to a forward pass.

    Under a burst the batcher hands the answerer up to 64 questions at once. In one
    forward pass every question is padded to the longest (9 to 30 tokens on the bundled
    questions, median 19); in passes of 32, sorted by length, encoding takes about 15%
    less CPU (9.7 against 11.5 ms a question on 2 cores), and the load test answered
    faster in each of three paired runs (45/50/63 against 39/42/46 questions a second).
    The reloader reuses this embedder, so a reload keeps the setting.
    """
    if hasattr(embedder, "batch_size"):
        embedder.batch_size = SERVE_ENCODE_BATCH
    return embedder


def build_application(settings: Settings, answerer: AnswererLike) -> Application:
    """The python-telegram-bot Application for `settings`, answering with `answerer`."""
    if not settings.telegram_token:
        raise InvalidToken("TELEGRAM_BOT_TOKEN is not set")
    skip_missing_sniffio()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .rate_limiter(send_limiter(settings.send_rate))
        .connection_pool_size(connections_for(settings.send_rate))
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url
        builder = builder.base_url(base)
        file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base.rstrip("/") + "/file/bot"
        builder = builder.base_file_url(file_base)
    app = builder.build()
    bot = QABot(settings, answerer)
    bot.register(app)
    app.bot_data["qa_bot"] = bot
    return app


# --- running ---------------------------------------------------------------------------

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]


def _polling_error(exc: TelegramError) -> None:
    # Called by the updater's retry loop, which backs off and tries again by itself.
    log.warning("Telegram unreachable while polling (%s: %s); retrying", type(exc).__name__, exc)


async def _wait(event: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
    except TimeoutError:
        pass


@dataclass(frozen=True)
class Webhook:
    """Receive updates on `listen` (HOST:PORT) behind the public HTTPS `url`, instead of polling."""

    url: str
    listen: str = "127.0.0.1:8443"


async def run_application(
    app: Application, stop: asyncio.Event, poll_timeout: float = 10.0, webhook: Webhook | None = None
) -> None:
    """Initialize (retrying while Telegram is unreachable), poll until `stop` is set, shut down.

    Raises InvalidToken when Telegram rejects the token.
    """
    delay = 1.0
    while not stop.is_set():
        try:
            await app.initialize()
            break
        except (InvalidToken, BadRequest):
            raise
        except NetworkError as exc:  # includes TimedOut
            log.warning("Telegram unreachable at start-up (%s); retrying in %.0f s", exc, delay)
            await _wait(stop, delay)
            delay = min(delay * 2, 30.0)
    if stop.is_set():
        return
    try:
        if app.post_init:
            await app.post_init(app)
        if webhook is None:
            await app.updater.start_polling(
                timeout=poll_timeout, bootstrap_retries=5, allowed_updates=ALLOWED_UPDATES, error_callback=_polling_error
            )
        else:
            host, _, port = webhook.listen.rpartition(":")
            path = secrets.token_urlsafe(16)  # never the token: URLs end up in logs
            await app.updater.start_webhook(
                listen=host or "127.0.0.1",
                port=int(port),
                url_path=path,
                webhook_url=f"{webhook.url.rstrip('/')}/{path}",
                secret_token=secrets.token_urlsafe(32),
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=5,
            )
        await app.start()
        log.info("serving as @%s; stop with Ctrl+C or SIGTERM", app.bot.username)
        await stop.wait()
        log.info("stopping: finishing the questions in hand")
    finally:
        if app.updater and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


async def _serve(app: Application, webhook: Webhook | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    reloader = app.bot_data["qa_bot"].reloader
    if reloader is None:
        await run_application(app, stop, webhook=webhook)
        return
    # Rebuild while serving (qa_bot/reload.py): SIGHUP and a watcher on the index folder.
    pending: set[asyncio.Task] = set()

    def on_hup() -> None:
        task = asyncio.create_task(reloader.reload("SIGHUP"))
        pending.add(task)
        task.add_done_callback(pending.discard)

    loop.add_signal_handler(signal.SIGHUP, on_hup)
    watcher = asyncio.create_task(reloader.watch())
    try:
        await run_application(app, stop, webhook=webhook)
    finally:
        watcher.cancel()
        for task in (watcher, *pending):
            try:
                await task
            except (asyncio.CancelledError, Exception) as exc:  # noqa: BLE001 - shutting down
                log.debug("reload task ended with %r at shutdown", exc)


def serve(settings: Settings, webhook_url: str | None = None, listen: str | None = None) -> int:
    """`qa-bot serve`: 0 after a clean stop (SIGINT/SIGTERM); 2 when it cannot start.

    Long polling by default; with `webhook_url`, a webhook server on `listen` (HOST:PORT),
    which needs python-telegram-bot's `webhooks` extra.
    """
    configure_logging(settings.telegram_token)
    if not settings.telegram_token:
        print(
            "qa-bot serve: TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the "
            "environment or in .env (or try the bot in the terminal with `qa-bot chat`).",
            file=sys.stderr,
        )
        return 2
    from qa_bot.answer import Answerer
    from qa_bot.embed import load_embedder
    from qa_bot.index import IndexProblem

    try:
        answerer = Answerer.load(settings, serving_embedder(load_embedder(settings.model)))
    except IndexProblem as exc:
        print(f"qa-bot serve: {exc}", file=sys.stderr)
        return 2
    webhook = Webhook(webhook_url, listen or Webhook.listen) if webhook_url else None
    if webhook is not None and not re.fullmatch(r"[^:]*:\d{1,5}", webhook.listen):
        print(f"qa-bot serve: --listen must be HOST:PORT, got {webhook.listen!r}", file=sys.stderr)
        return 2
    app = build_application(settings, answerer)
    from qa_bot.reload import Reloader

    app.bot_data["qa_bot"].reloader = Reloader(settings, app.bot_data["qa_bot"])
    try:
        asyncio.run(_serve(app, webhook))
    except RuntimeError as exc:
        if webhook is None or "webhooks" not in str(exc):
            raise
        print('qa-bot serve: webhooks need `pip install "python-telegram-bot[webhooks]"`; '
              "without --webhook the bot uses long polling.", file=sys.stderr)
        return 2
    except InvalidToken:  # its message contains the token: never print it
        print(
            "qa-bot serve: Telegram rejected TELEGRAM_BOT_TOKEN: check the token from @BotFather.",
            file=sys.stderr,
        )
        return 2
    return 0
