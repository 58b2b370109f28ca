"""Every Axon and Kamaelia name the compat layer provides resolves to what it says it does."""

from __future__ import annotations

import importlib
import sys

import pytest

import kamaelia_core
import kamaelia_core.ipc as core_ipc
from kamaelia_core import errors
from kamaelia_core.chassis import Carousel, Graphline, Pipeline, Seq
from kamaelia_core.compat import _hook
from kamaelia_core.compat.kamaelia import chassis, internet, ipc, protocol, util
from kamaelia_core.net import servers
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.scheduler import WaitComplete as CoreWaitComplete
from kamaelia_core.util import echo, fortune

pytestmark = pytest.mark.usefixtures("compat_layer")

FAMILIES = (chassis, internet, ipc, protocol, util)

# What Kamaelia 1.14.32 defines in each module the layer serves (its components, messages and
# helpers programs use); every one must be there.
KAMAELIA_1_14_32 = {
    "Kamaelia.Chassis.Pipeline": ["Pipeline", "pipeline"],
    "Kamaelia.Chassis.Graphline": ["Graphline"],
    "Kamaelia.Chassis.Carousel": ["Carousel"],
    "Kamaelia.Chassis.Seq": ["Seq"],
    "Kamaelia.Chassis.ConnectedServer": [
        "ServerCore",
        "SimpleServer",
        "FastRestartServer",
        "MoreComplexServer",
    ],
    "Kamaelia.Internet.Selector": ["Selector"],
    "Kamaelia.Internet.TCPServer": ["TCPServer"],
    "Kamaelia.Internet.TCPClient": ["TCPClient"],
    "Kamaelia.Internet.ConnectedSocketAdapter": ["ConnectedSocketAdapter"],
    "Kamaelia.Internet.SingleServer": ["SingleServer", "FastRestartSingleServer", "echo"],
    "Kamaelia.IPC": [
        "socketShutdown",
        "serverShutdown",
        "newCSA",
        "shutdownCSA",
        "newServer",
        "newWriter",
        "newReader",
        "newExceptional",
        "removeReader",
        "removeWriter",
        "removeExceptional",
    ],
    "Kamaelia.Util.Console": ["ConsoleReader", "ConsoleEchoer"],
    "Kamaelia.Util.PureTransformer": ["PureTransformer"],
    "Kamaelia.Util.Backplane": [
        "Backplane",
        "PublishTo",
        "SubscribeTo",
        "publishTo",
        "subscribeTo",
    ],
    "Kamaelia.Util.RateFilter": ["MessageRateLimit", "OnDemandLimit"],
    "Kamaelia.Util.Fanout": ["Fanout", "fanout"],
    "Kamaelia.Util.Splitter": ["Splitter", "PlugSplitter", "Plug", "addsink", "removesink"],
    "Kamaelia.Util.OneShot": ["OneShot", "TriggeredOneShot"],
    "Kamaelia.Util.Chargen": ["Chargen"],
    "Kamaelia.Util.DataSource": ["DataSource", "TriggeredSource"],
    "Kamaelia.Util.PassThrough": ["PassThrough", "passThrough"],
    "Kamaelia.Util.NullSink": ["nullSinkComponent"],
    "Kamaelia.Util.Clock": ["CheapAndCheerfulClock"],
    "Kamaelia.File.Reading": ["PromptedFileReader", "SimpleReader"],
    "Kamaelia.File.Writing": ["SimpleFileWriter"],
    "Kamaelia.Protocol.EchoProtocol": ["EchoProtocol"],
    "Kamaelia.Protocol.FortuneCookieProtocol": ["FortuneCookieProtocol"],
}


@pytest.mark.parametrize("name", sorted(_hook.ALL_NAMES))
def test_every_module_name_imports_and_comes_from_the_compat_layer(name):
    module = importlib.import_module(name)
    assert sys.modules[name] is module
    assert module.__doc__, name
    parent, _, child = name.rpartition(".")
    if parent:
        assert getattr(sys.modules[parent], child) is module


@pytest.mark.parametrize("name", sorted(_hook.AXON_MODULES))
def test_axon_modules_are_the_implementation_modules(name):
    assert importlib.import_module(name) is importlib.import_module(_hook.AXON_MODULES[name])


def test_the_hook_table_and_the_families_list_the_same_kamaelia_modules():
    described = {name for family in FAMILIES for name in family.MODULES}
    assert described == set(_hook.KAMAELIA_MODULES)
    for name, family_name in _hook.KAMAELIA_MODULES.items():
        assert name in importlib.import_module(family_name).MODULES


@pytest.mark.parametrize(("name", "expected"), sorted(KAMAELIA_1_14_32.items()))
def test_kamaelia_modules_offer_kamaelias_names(name, expected):
    module = importlib.import_module(name)
    family = importlib.import_module(_hook.KAMAELIA_MODULES[name])
    doc, names = family.MODULES[name]
    assert set(expected) <= set(names)
    assert sorted(module.__all__) == sorted(names)
    for attr, value in names.items():
        assert getattr(module, attr) is value, f"{name}.{attr}"
    assert doc in module.__doc__


def test_kamaelia_names_are_kamaelia_cores_own_objects():
    from Kamaelia.Chassis.Carousel import Carousel as KCarousel
    from Kamaelia.Chassis.ConnectedServer import FastRestartServer, ServerCore
    from Kamaelia.Chassis.Graphline import Graphline as KGraphline
    from Kamaelia.Chassis.Pipeline import Pipeline as KPipeline
    from Kamaelia.Chassis.Seq import Seq as KSeq
    from Kamaelia.Internet.TCPServer import makeTCPServerPort
    from Kamaelia.IPC import newCSA, socketShutdown
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    from Kamaelia.Protocol.FortuneCookieProtocol import FortuneCookieProtocol
    from Kamaelia.Util.Backplane import Backplane
    from Kamaelia.Util.NullSink import nullSinkComponent

    assert (KPipeline, KGraphline, KCarousel, KSeq) == (Pipeline, Graphline, Carousel, Seq)
    assert ServerCore is servers.ServerCore and FastRestartServer is servers.FastRestartServer
    assert makeTCPServerPort is kamaelia_core.net.tcpserver.makeTCPServerPort
    assert newCSA is core_ipc.newCSA and socketShutdown is core_ipc.socketShutdown
    assert EchoProtocol is echo.Echo and FortuneCookieProtocol is fortune.FortuneCookieProtocol
    assert Backplane is kamaelia_core.util.Backplane
    assert nullSinkComponent is kamaelia_core.util.NullSink


def test_kamaelia_modules_list_their_components_for_tools():
    import Kamaelia.Chassis.Pipeline
    import Kamaelia.IPC
    import Kamaelia.Util.Backplane

    assert Kamaelia.Chassis.Pipeline.__kamaelia_components__ == (Pipeline,)
    backplane = Kamaelia.Util.Backplane.__kamaelia_components__
    assert {c.__name__ for c in backplane} == {"Backplane", "PublishTo", "SubscribeTo"}
    assert Kamaelia.IPC.__kamaelia_components__ == ()


def test_axon_messages_and_exceptions_are_kamaelia_cores():
    import Axon

    exceptions_module, ipc_module = Axon.AxonExceptions, Axon.Ipc

    for name in (
        "ipc",
        "newComponent",
        "shutdownMicroprocess",
        "notify",
        "shutdown",
        "status",
        "wouldblock",
        "producerFinished",
        "errorInformation",
    ):
        assert getattr(ipc_module, name) is getattr(core_ipc, name), name
    assert issubclass(ipc_module.WaitComplete, CoreWaitComplete)
    assert issubclass(ipc_module.reactivate, core_ipc.ipc)
    for name in exceptions_module.__all__:
        assert getattr(exceptions_module, name) is getattr(errors, name), name


def test_the_names_programs_import_from_axon_component():
    from Axon.Component import component, newComponent, scheduler
    from Axon.Microprocess import microprocess
    from Axon.Scheduler import scheduler as the_scheduler

    assert scheduler is the_scheduler
    assert newComponent is core_ipc.newComponent
    assert issubclass(component, microprocess)
    assert issubclass(component, kamaelia_core.Component)
    assert issubclass(the_scheduler, Scheduler)


def test_the_axon_package_loads_its_modules_on_first_use():
    import Axon

    assert "Axon.ThreadedComponent" not in sys.modules  # the fixture starts from a clean slate
    assert Axon.ThreadedComponent.threadedcomponent.__name__ == "threadedcomponent"
    assert Axon.AxonObject is importlib.import_module("Axon.Base").AxonObject
    assert {"Component", "Scheduler", "Ipc", "ThreadedComponent"} <= set(dir(Axon))
    with pytest.raises(AttributeError, match=r"Axon.*Nonesuch"):
        _ = Axon.Nonesuch
    import Kamaelia

    assert "Util" in dir(Kamaelia) and Kamaelia.Util.Console.ConsoleEchoer is not None
    with pytest.raises(ModuleNotFoundError, match=r"kamaelia_core\.compat provides") as caught:
        importlib.import_module("Kamaelia.Util.NoSuchThing")
    assert caught.value.name == "Kamaelia.Util.NoSuchThing"
    with pytest.raises(ImportError, match="cannot import name"):
        exec("from Kamaelia.Util import NoSuchThing")  # the usual message for a missing name


def test_threaded_and_adaptive_classes_keep_axons_family_tree():
    from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
    from Axon.Component import component
    from Axon.ThreadedComponent import threadedadaptivecommscomponent, threadedcomponent

    assert issubclass(threadedcomponent, component)
    assert issubclass(threadedcomponent, kamaelia_core.ThreadedComponent)
    assert issubclass(AdaptiveCommsComponent, kamaelia_core.AdaptiveComponent)
    assert issubclass(threadedadaptivecommscomponent, threadedcomponent)
    assert issubclass(threadedadaptivecommscomponent, AdaptiveCommsComponent)


def test_axon_util_idgen_and_base():
    from Axon.Base import AxonObject, AxonType
    from Axon.idGen import idGen, numId, strId, tupleId
    from Axon.util import Finality, axonRaise, listSubset, removeAll, safeList, testInterface

    items = [1, 2, 1, 3]
    removeAll(items, 1)
    assert items == [2, 3]
    assert listSubset([1], [1, 2]) and not listSubset([4], [1, 2])
    assert safeList(None) == [] and safeList((1,)) == [1]
    assert issubclass(Finality, Exception)
    with pytest.raises(ValueError):
        axonRaise(ValueError, "x")

    class Two:
        Inboxes = {"inbox": ""}
        Outboxes = {"outbox": ""}

    assert testInterface(Two, (["inbox"], ["outbox"]))
    with pytest.raises(errors.invalidComponentInterface):
        testInterface(Two, (["control"], []))
    first, second = numId(), numId()
    assert second > first
    number, name = tupleId(Two())
    assert name.endswith(f"Two_{number}") and strId(Two()).startswith(Two.__module__)
    assert next(idGen()) > number
    assert isinstance(AxonType, type) and isinstance(AxonObject(), AxonObject)
