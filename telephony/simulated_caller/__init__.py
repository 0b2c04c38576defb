"""A Twilio-faithful simulated caller for demos, end-to-end tests and benchmarks."""

from telephony.simulated_caller.caller import CallerOptions, CallEvents, SimulatedCaller, Turn

__all__ = ["CallEvents", "CallerOptions", "SimulatedCaller", "Turn"]
