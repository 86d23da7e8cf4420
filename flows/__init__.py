"""vanban's Prefect flows: thin orchestration over the library's run (``vanban.issuing.run``).

In a checkout this is the top-level folder ``flows/``; installed, it is the package
``vanban_flows``, so that vanban claims no generic top-level name such as ``flows``.
"""
