"""The order of ``PLUGINS``, checked before a build starts.

A plugin's place in ``PLUGINS`` is the order its signal receivers run in.  The content types read
the sources (their generators are ``contract.SourceGenerator``s); ``sc`` derives the Simplified
Chinese items from what they read, and ``i18n`` plans every page from all the items.  So every
content type (and ``contract``) must come before ``sc`` and ``i18n``, and ``sc`` before ``i18n``:
listed otherwise, the build would silently leave out the ``/sc/`` pages, or order pages and feed
links differently.  The planner calls the content types' hooks before those of the site-wide page
builders (``seo``, ``redirects``, ``search``) whatever their order, so those may go anywhere.
"""

from __future__ import annotations

from pelican.generators import StaticGenerator

from contract.generator import BuildStage, SourceGenerator

# The stages after reading, in the order they must run: each plugin of one comes after every
# content type and after the plugins of the stages before it.
LATER_STAGES = ("sc", "i18n")


def _name(plugin) -> str:
    return plugin if isinstance(plugin, str) else getattr(plugin, "__name__", str(plugin))


def _plugin_of(module: str, names: list[str]) -> str | None:
    """The entry of ``names`` (PLUGINS) whose package defines ``module``."""
    for name in names:
        if module == name or module.startswith(name + ".") or name.endswith("." + module):
            return name
    return None


def plugin_order_problem(plugins, generator_receivers) -> str | None:
    """One line saying what is wrong with the order of ``plugins`` (PLUGINS), or None.

    ``generator_receivers``: what ``signals.get_generators.send`` returned, (receiver, classes)
    pairs; a plugin whose receiver returns a ``SourceGenerator`` is a content type.
    """
    names = [_name(plugin) for plugin in plugins or ()]
    readers = ["contract"] if "contract" in names else []
    for receiver, values in generator_receivers:
        values = values if isinstance(values, (list, tuple)) else (values,)
        if any(isinstance(value, type) and issubclass(value, SourceGenerator) for value in values):
            plugin = _plugin_of(getattr(receiver, "__module__", ""), names)
            if plugin is not None and plugin not in readers:
                readers.append(plugin)
    stages = [[plugin for plugin in names if plugin in readers]] + [[name] for name in LATER_STAGES if name in names]
    wanted = [plugin for stage in stages for plugin in stage]
    position = {plugin: index for index, plugin in enumerate(names)}
    for earlier_index, earlier in enumerate(stages):
        for later in stages[earlier_index + 1:]:
            for first in earlier:
                for then in later:
                    if position[first] > position[then]:
                        what = " (a content type)" if first != "contract" and first in readers else ""
                        fixed = list(names)  # the same places, those of the stages filled in their order
                        for slot, plugin in zip(sorted(position[plugin] for plugin in wanted), wanted):
                            fixed[slot] = plugin
                        return (
                            f"pelicanconf.py: error: PLUGINS lists '{first}'{what} after '{then}'; it must come before it "
                            f"(contract and the content types, then {', then '.join(LATER_STAGES)}). Fix: PLUGINS = {fixed!r}"
                        )
    return None


def generator_problem(plugins, generator_receivers) -> str | None:
    """One line naming a generator a plugin gives that the build would not know how to call (it is
    neither a ``contract.BuildStage`` nor Pelican's ``StaticGenerator``), or None."""
    names = [_name(plugin) for plugin in plugins or ()]
    for receiver, values in generator_receivers:
        values = values if isinstance(values, (list, tuple)) else (values,)
        for value in values:
            if value is None or (isinstance(value, type) and issubclass(value, (BuildStage, StaticGenerator))):
                continue
            plugin = _plugin_of(getattr(receiver, "__module__", ""), names) or getattr(receiver, "__module__", "?")
            shown = getattr(value, "__qualname__", repr(value))
            return (
                f"pelicanconf.py: error: PLUGINS: '{plugin}' gives the generator {shown}, which is not a contract.BuildStage, "
                f"so the build would not know what to call on it. Fix: derive {shown} from contract.BuildStage "
                f"(or contract.PageBuilder, contract.SourceGenerator)."
            )
    return None
