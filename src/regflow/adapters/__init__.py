"""Adapters: implementations of :mod:`regflow.ports`.

``memory`` (tests, demos), ``sqlite`` (the embedded default), ``postgres``
(several workers, the ``postgres`` extra), and the effects: ``smtp`` and
``webhook`` notifiers, ``vk``, ``telegram`` and ``manual`` publishers and the
``router`` that sends each answer to its platform's publisher,
``files`` (printed and JSON Lines notifications and publications that stay on
the machine), the Russian ``screener_ru``, and ``clock`` (the system clock and
a fixed one). Drivers are imported only inside their adapter, so importing
this package needs no extra. An adapter imports no other adapter (only its
own ``_``-private helpers); :mod:`regflow.bootstrap` chooses among them.
"""
