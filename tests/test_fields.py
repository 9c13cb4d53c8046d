"""Key/value lists (`dataqa.text.fields`): which texts are lists, and when two lists are two inputs."""

from __future__ import annotations

import pytest

from dataqa.text.fields import fields_differ, lists_differ, part_fields, text_fields

JEANS = "类型#裤*版型#显瘦*材质#牛仔布*颜色#{}*裤腰型#高腰*裤口#毛边"
RECORD = "brand: Northwind\ncolour: {}\nsize: M\nfit: slim"


@pytest.mark.parametrize(
    "text",
    [
        JEANS.format("浅蓝色"),
        "类型\uff1a裤\uff0c颜色\uff1a黑色\uff0c裤口\uff1a小脚",  # full-width colons and commas
        RECORD.format("light blue"),
        "- brand: Northwind\n- colour: black",
        "colour=black; size=M; fit=slim",
        "colour: black | size: M",
        '{"colour": "black", "size": "M", "notes": "a long free text that is no slot of the list"}',
        "| colour | size |\n|---|---|\n| black | M |",
    ],
)
def test_lists(text: str) -> None:
    assert text_fields(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "What is the capital of France?",
        "User: hi\nAssistant: hello\nUser: bye",  # a transcript repeats its keys
        "Question: Who wrote Hamlet?\nAnswer: William Shakespeare wrote it around 1600.",  # sentences
        "The plan: go home, then sleep.",
        "colour: black",  # one pair is a sentence's opening
        '{"notes": "a long free text", "more": "another long free text, not a slot."}',
        "[1, 2, 3]",
        "",
    ],
)
def test_not_lists(text: str) -> None:
    assert text_fields(text) is None


def test_a_value_or_a_pair_decides() -> None:
    light, dark = text_fields(JEANS.format("浅蓝色")), text_fields(JEANS.format("深蓝色"))
    assert fields_differ(light, dark)
    fewer = text_fields(JEANS.format("浅蓝色").rsplit("*", 1)[0])
    assert fields_differ(light, fewer)
    assert fields_differ(text_fields(RECORD.format("light blue")), text_fields(RECORD.format("navy")))
    json_a = '{"colour": "olive", "size": "S", "bio": "long text here"}'
    assert fields_differ(text_fields(json_a), text_fields(json_a.replace("olive", "navy")))


def test_order_spacing_typos_and_filler_do_not() -> None:
    light = text_fields(JEANS.format("浅蓝色"))
    reordered = text_fields("版型#显瘦*类型#裤*材质#牛仔布*颜色#浅蓝色*裤口#毛边*裤腰型#高腰")
    assert not fields_differ(light, reordered)
    record = text_fields(RECORD.format("light blue"))
    assert not fields_differ(record, text_fields("size:M\nbrand:   Northwind\nfit: slim\ncolour: light blue"))
    assert not fields_differ(record, text_fields(RECORD.format("light bleu")))  # a typo fix
    assert not fields_differ(record, text_fields(RECORD.format("the light blue")))  # filler
    json_a = '{"colour": "olive", "size": "S", "bio": "a long free text here"}'
    json_b = '{"size": "S", "colour": "olive", "bio": "a long free text over there"}'  # free text: word rules
    assert not fields_differ(text_fields(json_a), text_fields(json_b))


def test_values_alike_but_for_filler_are_counted_each() -> None:
    twice = part_fields("c: red*c: red*d: x")
    with_filler = part_fields("c: the red*c: a red*d: x")
    assert twice is not None and with_filler is not None
    assert not lists_differ(twice, with_filler) and not lists_differ(with_filler, twice)
    other = part_fields("c: the red*c: a blue*d: x")
    assert other is not None and lists_differ(twice, other)


def test_lists_apart_are_left_to_the_word_rules() -> None:
    one, two = text_fields("a: x\nb: y"), text_fields("c: x\nd: y")
    assert not fields_differ(one, two)  # no key shared: two templates
    assert not fields_differ(one, None)
    assert not fields_differ(one, text_fields("a: x\nb: z\n\nc: 1\nd: 2"))  # not as many lists


def test_same_answer_keeps_a_whole_example_near() -> None:
    light = text_fields(JEANS.format("浅蓝色") + "\n\n这款牛仔裤很好看。")
    dark = text_fields(JEANS.format("深蓝色") + "\n\n这款牛仔裤很好看。")
    assert fields_differ(light, dark)
    assert not fields_differ(light, dark, answer_last=True)
    other = text_fields(JEANS.format("深蓝色") + "\n\n这款牛仔裤非常好看。")
    assert fields_differ(light, other, answer_last=True)


def test_keys_and_slots() -> None:
    found = part_fields("颜色#浅蓝色*风格#街头*风格#休闲")
    assert found is not None
    assert found[("风格", "街头")] == 1 and found[("风格", "")] == 2
    assert part_fields("a sentence that is far too long to be a key: value*other: x") is None


def test_bad_input_does_not_crash() -> None:
    deep = '{"a": ' * 900 + '"x"' + "}" * 900
    assert text_fields(deep) is None  # one pair, read whole below the depth limit
    assert text_fields('{"a": "x", "c": "y", "b": ' + "[" * 500 + "1" + "]" * 500 + "}") is not None
    assert text_fields("k: " + "v" * 200_000 + "\n" + "x: y") is None  # a value too long to be a slot
    assert text_fields("{not json: at all, b: c}") is None  # no JSON, and "{not json" is no key
    assert text_fields("\u0000:\u0000\n#=|{") is None
