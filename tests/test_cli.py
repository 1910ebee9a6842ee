"""`python -m qa_bot ...` end to end, as a maintainer and a user run it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qa_bot.index import build_index
from qa_bot.embed import HashingEmbedder

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
BIKE = "What was the Syrian boy's bike adorned with in Hanano?"
RESULT_KEYS = {"text", "outlet", "published", "title", "url", "authors", "document", "score", "also_in", "highlight"}
HASHING = {"QA_BOT_MODEL": "hashing-64"}


def ask_json(run_cli, index: Path, questions: list[str]) -> list[dict]:
    """`qa-bot ask --json` on the questions, one per line on stdin: the answers, in order."""
    result = run_cli("ask", "--index", index, "--corpus", CORPUS, "--json", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    return json_lines(result.stdout)


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def check_shape(answer: dict, question: str) -> None:
    assert answer["question"] == question
    assert isinstance(answer["abstained"], bool) and isinstance(answer["results"], list)
    assert answer["abstained"] == (answer["results"] == [])
    for result in answer["results"]:
        assert RESULT_KEYS <= set(result)
        assert isinstance(result["authors"], list) and isinstance(result["also_in"], list)
        assert result["highlight"] is None or (len(result["highlight"]) == 2 and
                                               0 <= result["highlight"][0] < result["highlight"][1] <= len(result["text"]))


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("qa-bot:")]
    assert len(errors) == 1, stderr
    return errors[0]


# --- fast -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["index", "ask", "chat", "serve", "run", "eval", "bench"])
def test_every_subcommand_has_help(run_cli, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:") and command in result.stdout.splitlines()[0]


def test_no_subcommand_prints_help_and_fails(run_cli) -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "index" in result.stdout and "ask" in result.stdout


def test_ask_with_a_missing_index_is_one_line_and_exit_2(run_cli, tmp_path: Path) -> None:
    result = run_cli("ask", "--index", tmp_path / "no-such-index", "--corpus", CORPUS, "--json", BIKE, env=HASHING)
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert "qa-bot index" in line and "no-such-index" in line
    assert result.stdout == ""
    assert not (tmp_path / "no-such-index").exists()  # an explicit --index is never built behind your back


@pytest.fixture(scope="module")
def hashing_cli_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-hashing") / "index"
    build_index(CORPUS, out, HashingEmbedder(64))
    return out


def test_ask_with_an_index_of_another_model_is_one_line_and_exit_2(run_cli, hashing_cli_index: Path) -> None:
    result = run_cli("ask", "--index", hashing_cli_index, "--corpus", CORPUS, BIKE, env={"QA_BOT_MODEL": "hashing-32"})
    assert result.returncode == 2
    assert "qa-bot index" in one_error_line(result.stderr)


def test_ask_reads_questions_from_stdin_fast(run_cli, hashing_cli_index: Path) -> None:
    questions = ["Where is Hanano?", "", "What did the army capture?"]
    result = run_cli("ask", "--index", hashing_cli_index, "--corpus", CORPUS, "--json", "-k", "3",
                     stdin="\n".join(questions) + "\n", env=HASHING)
    assert result.returncode == 0, result.stderr
    answers = json_lines(result.stdout)
    assert [a["question"] for a in answers] == questions
    for answer, question in zip(answers, questions):
        check_shape(answer, question)
        assert len(answer["results"]) <= 3
    assert answers[1]["abstained"] and answers[1]["notice"]


def test_ask_plain_text_output(run_cli, hashing_cli_index: Path) -> None:
    result = run_cli("ask", "--index", hashing_cli_index, "--corpus", CORPUS, "", env=HASHING)
    assert result.returncode == 0 and "news articles" in result.stdout and "\x1b[" not in result.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["-k", "0"], "must be at least 1"),
    (["-k", "five"], "whole number"),
    (["--since", "yesterday"], "date like 2016-12-13"),
    (["--since", "2016-12-14", "--until", "2016-12-10"], "after --until"),
    (["--outlet", "Reuters"], "The New York Times"),  # names the outlets there are
])
def test_ask_filters_that_cannot_work_are_one_line_and_exit_2(run_cli, hashing_cli_index: Path, args, says) -> None:
    result = run_cli("ask", "--index", hashing_cli_index, "--corpus", CORPUS, *args, BIKE, env=HASHING)
    assert result.returncode == 2 and result.stdout == ""
    assert says in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("outlet", ["nyt", "the Times", "new york"])
def test_ask_outlet_filter_takes_a_nickname_or_part_of_the_name(run_cli, hashing_cli_index: Path, outlet: str) -> None:
    result = run_cli("ask", "--index", hashing_cli_index, "--corpus", CORPUS, "--json", "--outlet", outlet,
                     "How many people have left rebel-held areas?", env=HASHING)
    assert result.returncode == 0, result.stderr
    results = json_lines(result.stdout)[0]["results"]
    assert results and {r["outlet"] for r in results} == {"The New York Times"}


# --- slow: the real model -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_built(tmp_path_factory: pytest.TempPathFactory, run_cli):
    out = tmp_path_factory.mktemp("cli-real") / "index"
    result = run_cli("index", "--corpus", CORPUS, "--out", out)
    return out, result


@pytest.mark.slow
def test_index_prints_passage_counts_and_time(cli_built, corpus_read) -> None:
    out, result = cli_built
    assert result.returncode == 0, result.stderr
    printed = result.stdout + result.stderr
    assert "Traceback" not in printed
    documents, passages = corpus_read
    for doc in documents:
        count = sum(p.document == doc.file for p in passages)
        assert re.search(rf"{re.escape(doc.file)}\s+{count} passages", printed), printed
    assert re.search(rf"{len(passages)} passages", printed)
    assert re.search(r"in \d+(\.\d+)? s", printed)
    assert (out / "manifest.json").is_file()


@pytest.mark.slow
def test_ask_json_finds_the_nbc_caption(cli_built, run_cli) -> None:
    out, _ = cli_built
    result = run_cli("ask", "--index", out, "--corpus", CORPUS, "--json", BIKE)
    assert result.returncode == 0, result.stderr
    (answer,) = json_lines(result.stdout)
    check_shape(answer, BIKE)
    assert not answer["abstained"]
    nbc = [r for r in answer["results"][:3] if "adorned with a Syrian flag" in r["text"]]
    assert nbc and nbc[0]["outlet"] == "NBC News" and nbc[0]["published"] == "2016-12-13"


@pytest.mark.slow
def test_ask_json_reads_two_questions_from_stdin(cli_built, run_cli) -> None:
    out, _ = cli_built
    questions = [BIKE, "Where did residents fleeing Bustan al-Qasr arrive?"]
    answers = ask_json(run_cli, out, questions)
    assert len(answers) == 2  # one JSON line each
    for answer, question in zip(answers, questions):
        check_shape(answer, question)
    assert not answers[0]["abstained"]


def test_a_missing_model_path_is_one_clear_line(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_BOT_", "TELEGRAM_"))}
    env["QA_BOT_MODEL"] = str(tmp_path / "no-such-model")
    result = subprocess.run([sys.executable, "-m", "qa_bot", "ask", "--index", str(tmp_path), "hello"],
                            capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "no-such-model" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_eval_of_a_missing_file_is_one_clear_line(tmp_path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "qa_bot", "eval", str(tmp_path / "none.jsonl")],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 2 and "none.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_index_takes_index_like_every_other_command() -> None:
    """`--index DIR` names the index folder everywhere; argparse must not read it as an
    abbreviation of `--index-type`."""
    from qa_bot.cli import build_parser

    args = build_parser().parse_args(["index", "--index", "/tmp/somewhere"])
    assert args.out == Path("/tmp/somewhere") and args.index_type is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["index", "--index-t", "flat"])


@pytest.mark.slow
def test_ask_says_what_the_coverage_lacks_and_who_spoke(cli_built, run_cli) -> None:
    """How the checks on what a question asks for shape an answer, through the real command."""
    out, _ = cli_built
    questions = ["How old is Bashar al-Assad?", "What happened in Aleppo on Dec. 20?",
                 'Who said "All sides are deeply culpable"?', "Who is Russia's defence minister?",
                 "Who is Aleppo's deputy governor?", "What did Assad say in his speech after retaking Aleppo?",
                 "What did Lavrov say about the military operations?", "When was Shadi's father arrested?",
                 "When did government forces storm the Hanano district?",
                 "Which Syrian general said the army was in the final stages of recapturing Aleppo?",
                 "Which UN official described Russia and the United States as poles apart?"]
    age, day, quote, minister, governor, assad, lavrov, arrest, storm, general, egeland = ask_json(
        run_cli, out, questions)
    assert general["abstained"] and "quotes the Syrian general without giving a name" in general["notice"]
    assert not egeland["abstained"] and "Egeland" in egeland["results"][0]["text"]
    assert assad["abstained"] and "none of it quotes Assad" in assad["notice"]
    assert not lavrov["abstained"] and "Lavrov" in lavrov["results"][0]["text"]
    assert arrest["abstained"] and "none of it says when" in arrest["notice"]
    assert not storm["abstained"] and "Nov. 26" in storm["results"][0]["text"]
    assert minister["abstained"] and "none of it names Russia's defence minister" in minister["notice"]
    assert not governor["abstained"] and "Kassa" in governor["results"][0]["text"]
    assert age["abstained"] and age["results"] == [] and "gives an age" in age["notice"]
    assert day["abstained"] and "nothing from 20 Dec" in day["notice"]
    assert quote["results"][0]["text"].startswith("Rupert Colville") and "[…]" in quote["results"][0]["text"]


@pytest.mark.slow
def test_ask_declines_counts_and_names_the_coverage_gives_for_something_else(cli_built, run_cli) -> None:
    """Each declined question has an answered twin: what separates them is whose count or
    whose names the passage gives."""
    out, _ = cli_built
    questions = ["How many Syrian government soldiers were killed in the Aleppo offensive?",
                 "How many civilians have been killed in east Aleppo since the offensive began?",
                 "How many countries voted for the Security Council resolution that Russia and China blocked?",
                 "How many countries voted for the General Assembly resolution on Syria?",
                 "Which two armed opposition groups did the UN say abducted and killed civilians?",
                 "Which two Shiite villages had the evacuees arriving in Jibrin come from?",
                 "What date was the NYT article by Anne Barnard and Nick Cumming-Bruce published?"]
    soldiers, civilians, council, assembly, groups, villages, published = ask_json(run_cli, out, questions)
    assert soldiers["abstained"] and "gives that figure" in soldiers["notice"]
    assert not civilians["abstained"] and "413 civilians" in civilians["results"][0]["text"]
    assert council["abstained"] and "gives that figure" in council["notice"]
    assert not assembly["abstained"] and any("122 votes" in r["text"] for r in assembly["results"][:3])
    assert groups["abstained"] and "none of it names the two armed opposition groups" in groups["notice"]
    assert not villages["abstained"] and "Fuaa and Kafraya" in villages["results"][0]["text"]
    assert not published["abstained"] and "Dec. 9, 2016" in published["results"][0]["text"]


@pytest.mark.slow
def test_ask_declines_what_became_of_people_and_questions_about_today(cli_built, run_cli) -> None:
    """The coverage meets its people before their fate and ended years ago: said so, each
    beside an answered twin; slips and brands in chat are read for what they are."""
    out, _ = cli_built
    questions = ["Did Ameen al-Halabi survive the fall of Aleppo?", "What did the photographer Ameen al-Halabi write?",
                 "Was Shadi's father released after he was arrested?", "What did Shadi say about his father?",
                 "Will it rain in Aleppo tomorrow?", "What is the surname of Shadi, the teacher?",
                 "When was the evacuation of eastern Aleppo finally completed?",
                 "How do I reset an iPhone to factory settings?",
                 "nbc pic of the guy takin a foto of his wife walkin past burnt cars.. where were they goin",
                 "Why did Canada sponsor the General Assembly resolution on Syria?",
                 "How many votes did the General Assembly resolution advanced by Canada receive?"]
    survive, wrote, released, father, rain, surname, completed, iphone, chat, why, votes = ask_json(
        run_cli, out, questions)
    assert survive["abstained"] and "not what became of them" in survive["notice"]
    assert not wrote["abstained"] and "waiting to die" in wrote["results"][0]["text"]
    assert released["abstained"] and "tells of Shadi's father, but not what became of them" in released["notice"]
    assert not father["abstained"] and any("father had been arrested" in r["text"] for r in father["results"][:3])
    assert rain["abstained"] and rain["results"] == [] and "ends before today" in rain["notice"]
    assert surname["abstained"] and "none of it names Shadi by a full name" in surname["notice"]
    assert completed["abstained"] and "none of it says when" in completed["notice"]
    assert iphone["abstained"] and iphone["results"] == []
    assert not chat["abstained"] and "Haydariya" in chat["results"][0]["text"]
    assert why["abstained"] and "names Canada only in passing" in why["notice"]
    assert not votes["abstained"] and any("advanced by Canada" in r["text"] for r in votes["results"][:3])
