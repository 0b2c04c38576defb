"""A Twilio-faithful simulated caller for demos, end-to-end tests and benchmarks."""

from telephony.simulated_caller.caller import SimulatedCaller
from telephony.simulated_caller.options import CallerOptions
from telephony.simulated_caller.report import CallEvents, Turn

__all__ = ["CallEvents", "CallerOptions", "SimulatedCaller", "Turn"]
