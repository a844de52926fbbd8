"""The version of regflow, in one place: hatch reads it from here when it builds the
package, :data:`regflow.__version__` re-exports it, and the webhook's ``User-Agent``
names it (a leaf module, so that an adapter need not import the package root)."""

__version__ = "0.1.0"
