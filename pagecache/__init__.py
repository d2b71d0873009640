"""The shared page cache: versions kept by the database, and the mixin serving cached pages.

Other apps plug in what a page depends on (pagecache.registry.add_dependency) and what makes a
request personal (pagecache.registry.add_script_state); this app imports none of them.
"""
