// libedit itself, for Swift: the editor, the line it holds, history.
#include <histedit.h>
