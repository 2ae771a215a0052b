"""Settings: declared once, overridable from the config file and the environment, documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from pios_ld.aggregator import examples, settings
from pios_ld.aggregator.instance import init

from pios_ld.errors import ConfigurationError

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_environment_overrides_the_config_file_which_overrides_the_default(tmp_path):
    folder = init(tmp_path / "agg")
    assert settings.load(folder, environ={})["sparql_timeout"] == 15.0
    (folder / settings.CONFIG_FILE).write_text("sparql_timeout = 4.5\nport = 9000\n")
    assert settings.load(folder, environ={})["sparql_timeout"] == 4.5
    loaded = settings.load(folder, environ={"PIOS_AGGREGATOR_SPARQL_TIMEOUT": "2"},
                           overrides={"port": 9100})
    assert (loaded["sparql_timeout"], loaded["port"]) == (2.0, 9100)


def test_a_wrong_value_or_unknown_setting_fails_with_a_message_naming_it(tmp_path):
    folder = init(tmp_path / "agg")
    with pytest.raises(ConfigurationError, match="PIOS_AGGREGATOR_PORT"):
        settings.load(folder, environ={"PIOS_AGGREGATOR_PORT": "eighty"})
    (folder / settings.CONFIG_FILE).write_text("sparql_timeot = 3\n")
    with pytest.raises(ConfigurationError, match="sparql_timeot"):
        settings.load(folder, environ={})


def test_a_folder_that_is_no_instance_says_how_to_create_one(tmp_path):
    with pytest.raises(ConfigurationError, match="pios aggregator init"):
        settings.load(tmp_path, environ={})


def test_every_setting_is_documented():
    text = (DOCS / "aggregator.md").read_text(encoding="utf-8")
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in text]
    assert not missing


def test_the_example_queries_page_matches_the_examples():
    text = (DOCS / "sparql-examples.md").read_text(encoding="utf-8")
    missing = [e.id for e in examples.EXAMPLES if e.query.strip() not in text]
    assert not missing


def test_the_example_queries_page_says_where_each_history_example_runs():
    text = (DOCS / "sparql-examples.md").read_text(encoding="utf-8")
    history = [e for e in examples.EXAMPLES if e.dataset == "history"]
    assert history  # the phase changes over time
    for example in history:
        section = text.split(f"## {example.title_en} / ")[1].split("```")[0]
        assert "`/sparql/history`" in section, example.id
        assert "GRAPH" not in example.query  # versions are that dataset's default graph
    assert {e.dataset for e in examples.EXAMPLES} == {"national", "history"}
