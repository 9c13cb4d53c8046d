"""Tool calls written in an assistant's text (`dataqa.ingest.text_calls`): each convention is read into
the calls the TOOL checks judge, text that only looks like one is no call, and no text raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataqa.ingest.rendered import only_tool_responses
from dataqa.ingest.structure import Structure
from dataqa.ingest.text_calls import (
    UNQUOTED_NAME,
    has_text_calls,
    llama_builtin_declared,
    record_bare_calls,
    record_text_calls,
)


def _calls(content: str) -> list[tuple[str | None, str, str | None]]:
    structure = Structure()
    assert record_text_calls(structure, content, "m", 1) == bool(structure.events)
    return [(e["name"], e["args"], e.get("problem")) for e in structure.events]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n</tool_call>', [("f", "ok", None)]),
        ("<tool_call>\n{'arguments': {'x': 1}, 'name': 'f'}\n</tool_call>", [("f", "ok", None)]),  # Hermes
        (
            'Checking both.\n<tool_call>{"name": "f", "arguments": {}}</tool_call>'
            '<tool_call>{"name": "g", "arguments": {"y": [1, 2]}}</tool_call>',
            [("f", "ok", None), ("g", "ok", None)],
        ),
        (
            "<tool_call>\nnot a call\n</tool_call>",
            [(None, "missing", "the <tool_call> is not a JSON object")],
        ),
        ('<functioncall> {"name": "f", "arguments": \'{"x": 1}\'}', [("f", "ok", None)]),  # glaive
        ('<functioncall> {"name": "f", "arguments": {"x": 1}}', [("f", "ok", None)]),
        ('<functioncall> {"name": "f"}', [("f", "ok", None)]),  # a function without parameters
        (
            '[Market Trends API(trend_type="MOST_ACTIVE", n=3), g(q="a, b (c)")]',
            [("Market Trends API", "ok", None), ("g", "ok", None)],
        ),
        ("[f(1)]", [("f", "missing", "positional arguments: which parameter each fills is not said")]),
        ("[f(x=y)]", [("f", "missing", "arguments are not keyword=literal pairs")]),
        ("[Note: prices move fast] Here is what I found.", []),
        ("[1, 2, 3]", []),
        (
            '<|python_tag|>brave_search.call(query="weather Paris")',
            [("brave_search", "ok", None)],
        ),  # Llama 3.1
        ('<|python_tag|>{"name": "f", "parameters": {"x": 1}}<|eom_id|>', [("f", "ok", None)]),
        ("<|python_tag|>import sys\nprint(sys.version)<|eom_id|>", [("code_interpreter", "ok", None)]),
        (
            "<|python_tag|>wolfram_alpha.call(2)",
            [("wolfram_alpha", "missing", "positional arguments: which parameter each fills is not said")],
        ),
        ("I would call <functioncall> later.", []),
        ("Run it: <|python_tag|>print(1)", []),
        ("The answer is f(x=1).", []),
    ],
)
def test_each_convention_is_read_and_look_alikes_are_not(content: str, expected: list) -> None:
    assert _calls(content) == expected
    assert has_text_calls(content) or expected == []


_PIECES = [
    *"[](){}'\",=:<>/ abfx_1\\\n",
    "<tool_call>",
    "</tool_call>",
    "<functioncall>",
    "<|python_tag|>",
    ".call(",
    "name",
    "arguments",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_no_text_raises(content: str) -> None:
    record_text_calls(Structure(), content, "m", 1)


@pytest.mark.parametrize(
    "content",
    [
        "<tool_response>a</tool_response>" * 60 + "X",  # a nested-block regex backtracks exponentially here
        "</tool_call>" + "<tool_call>x" * 5000,
        '<functioncall> {"arguments": \'' * 5000,
        "[f(" + "(" * 5000 + ")]",
        "<|python_tag|>" + "a" * 100_000 + ".call(" + "(" * 5000,
    ],
)
def test_hostile_texts_are_read_in_linear_time(content: str) -> None:
    record_text_calls(Structure(), content, "m", 1)
    assert only_tool_responses(content) is False


def test_llama_built_in_tools_are_declared_by_the_system_prompt() -> None:
    system = (
        "Environment: ipython\nTools: brave_search, wolfram_alpha\n\nCutting Knowledge Date: December 2023"
    )
    assert llama_builtin_declared("brave_search", system) and llama_builtin_declared(
        "code_interpreter", system
    )
    assert not llama_builtin_declared("get_weather", system)
    assert not llama_builtin_declared("code_interpreter", "You are a helpful assistant.")
    assert not llama_builtin_declared("brave_search", "Tools: brave_search")  # without the environment line


def test_a_turn_ofonly_tool_responses_is_a_tool_turn() -> None:
    assert only_tool_responses("<tool_response>\n{}\n</tool_response>\n<tool_response>[]</tool_response>\n")
    assert not only_tool_responses("<tool_response>{}</tool_response> and some words")


def _bare(content: str, tools: bool = True, system: str = "") -> list[tuple[str | None, str]]:
    structure = Structure()
    if tools:
        structure.tools = [{"name": "get_weather"}]
    assert record_text_calls(structure, content, "m", 1, system) == bool(structure.events)
    return [(e["name"], e["args"]) for e in structure.events]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"name": "get_weather", "arguments": {"city": "Oslo"}}', [("get_weather", "ok")]),
        ('[{"name": "f", "arguments": {}}, {"name": "g", "parameters": {}}]', [("f", "ok"), ("g", "ok")]),
        ('{"type": "function", "function": {"name": "f", "arguments": "{}"}}', [("f", "ok")]),  # OpenAI's
        ('{"function": "search_bing", "arguments": {"query": "kites"}}', [("search_bing", "ok")]),  # Trelis'
        ('{"name": "Ada", "age": 36}', []),  # a JSON answer with a name
        ('{"name": "f"}', []),  # no arguments: a name alone says no call
        ('[{"name": "f", "arguments": {}}, 3]', []),
        ('Here: {"name": "f", "arguments": {}}', []),  # JSON inside prose
        ("[]", []),
    ],
)
def test_a_bare_json_call_is_read_where_the_record_declares_tools(content: str, expected: list) -> None:
    """A turn that is only a JSON call object or a list of them is read as calls in a record with
    tools (Trelis' and many exports' style); any other JSON reply is an answer."""
    assert _bare(content) == expected


def test_a_bare_json_call_needs_declared_functions() -> None:
    """Without a tools field, the system prompt must name every function the turn calls, in quotes."""
    call = '{"function": "search_bing", "arguments": {"query": "kites"}}'
    assert _bare(call, tools=False) == []
    assert _bare(call, tools=False, system='Functions: {"function": "search_arxiv"}') == []
    declared = 'Functions: {"function": "search_bing"}'
    assert _bare(call, tools=False, system=declared) == [("search_bing", "ok")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{'name':terminal, 'parameters':{'commands': ['ls -la']}}", [("terminal", "ok", UNQUOTED_NAME)]),
        (
            "{'name': 'terminal', 'parameters': {'commands': ['ls']}}",
            [("terminal", "ok", None)],
        ),  # a Python dict
        ('{"name": "terminal", "parameters": {"commands": ["ls"]}}', [("terminal", "ok", None)]),
        ("{'name':None, 'parameters':{}}", []),  # a literal, not a name: no function named
        ("{'name':Ada, 'age': 36}", []),  # not only a call's keys
        ("{'name':terminal, 'parameters':{'commands': [ls]}}", []),  # more than the name unquoted
        ("Use {'name':terminal, 'parameters':{}} to run it.", []),  # braces inside prose
        ("{name: terminal, parameters: {}}", []),  # keys unquoted too: no call syntax a parser knows
        ("The set {terminal, wikipedia} holds both tools.", []),
    ],
)
def test_a_bare_call_whose_name_is_a_bare_word_is_read_and_reported(content: str, expected: list) -> None:
    """Bedrock's tool-use sample writes `{'name':terminal, ...}`: a call by its keys, declared in the
    request, but neither JSON nor Python; read with the name quoted and reported. Prose with braces,
    dicts with other keys and anything else unquoted are no call."""
    structure = Structure()
    request = 'Tools: {"name": "terminal", "description": "Run shell commands."}'
    assert record_bare_calls(structure, content, "m", 2, request) == bool(structure.events)
    assert [(e["name"], e["args"], e.get("problem")) for e in structure.events] == expected
