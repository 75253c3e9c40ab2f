"""The schools pages: the LA's register and expected lists, a school's choice to take part."""
