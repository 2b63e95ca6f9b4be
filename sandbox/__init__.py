"""mca-sandbox: a local Partner Center and Microsoft 365 admin center for rehearsing MCA acceptance."""

__version__ = "0.1.0"
