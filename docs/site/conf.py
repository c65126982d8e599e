# Sphinx configuration of the sipha.network docs site (ci/docs.sh builds it offline; docs/development.md).
# No intersphinx: these machines reach no documentation server, and a link to one would make the build depend on
# the network. Guides are the Markdown files of docs/ (MyST); the reference is antsibull-docs' RST.
project = 'sipha.network'
copyright = 'sipha.network developers'
title = 'sipha.network - SIP Server HA network layer'
html_short_title = 'sipha.network'

extensions = ['sphinx_antsibull_ext', 'myst_parser']
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 3

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
html_theme_options = {'collapse_navigation': False, 'analytics_id': '', 'style_nav_header_background': '#5bbdbf',
                      'style_external_links': True, 'vcs_pageview_mode': 'edit'}
html_context = {'display_github': False, 'current_version': 'latest', 'available_versions': ('latest',)}
