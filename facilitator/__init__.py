"""The facilitator: a hands-free chair for structured peer-consultation meetings."""

__version__ = "0.1.0"
