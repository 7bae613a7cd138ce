#include "base/base.h"
#include "web/web_int.h"
const struct page_string web_page_strings[] = { { "app.title", N_("Loudspeaker console") } };
const size_t web_n_page_strings = ARRAY_LEN(web_page_strings);
