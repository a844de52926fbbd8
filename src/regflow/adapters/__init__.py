"""Adapters: implementations of :mod:`regflow.ports`.

``memory`` (tests, demos), ``sqlite`` (the embedded default), ``postgres``
(several workers, the ``postgres`` extra), and the effects: ``smtp`` and
``webhook`` notifiers, ``vk``, ``telegram`` and ``manual`` publishers and the
``router`` that sends each answer to its platform's publisher, the Russian
``screener_ru``. Drivers are imported only inside their adapter, so
importing this package needs no extra.
"""
