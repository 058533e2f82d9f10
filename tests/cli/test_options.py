"""The generation and backend options ``auditor eval`` and ``auditor audit`` share: one
definition each, and the default ``--help`` shows is the record's own default."""

from __future__ import annotations

import inspect
from dataclasses import MISSING, fields
from typing import Any, get_args

import typer

from auditor.backends import BackendOptions, GenerationConfig
from auditor.cli import _options
from auditor.cli.cmd_audit import audit_command
from auditor.cli.cmd_eval import eval_command

# Options whose shown default is words, not the record's value.
_WORDS = {"threads": "the library's choice", "batch_size": "the backend's choice",
          "enable_thinking": "off", "in_process": "off", "trust_remote_code": "off",
          "allow_pickle": "off", "condition": "none", "quantize": "none"}


def _shared() -> dict[str, Any]:
    return {name: value for name, value in vars(_options).items()
            if isinstance(value, typer.models.OptionInfo)}


def _name(option: Any) -> str:
    """The parameter name of an option: its flag (typer's first argument) without dashes."""
    flag = option.param_decls[0] if option.param_decls else option.default
    return str(flag).removeprefix("--").replace("-", "_")


def _record_default(name: str) -> Any:
    for cls in (GenerationConfig, BackendOptions):
        for f in fields(cls):
            if f.name == name:
                assert f.default is not MISSING
                return f.default
    assert name == "backend"
    return "auto"


def test_each_shown_default_is_the_records_default() -> None:
    for option in _shared().values():
        name = _name(option)
        if name in _WORDS:
            assert option.show_default == _WORDS[name]
        else:
            default = _record_default(name)
            assert option.show_default == str(default), name


def _option_of(command: Any, parameter: str) -> Any:
    hint = inspect.signature(command).parameters[parameter].annotation
    annotated = eval(hint, vars(inspect.getmodule(command)))  # noqa: S307 - our own source
    return next(a for a in get_args(annotated) if isinstance(a, typer.models.OptionInfo))


def test_audit_and_eval_use_the_same_definition_of_every_shared_option() -> None:
    for option in _shared().values():
        name = _name(option)
        assert _option_of(audit_command, name) is option, name
        assert _option_of(eval_command, name) is option, name
