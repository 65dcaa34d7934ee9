#include <libxml/xmlversion.h>
/* libxml2's encoding.h includes the system ICU headers when built with ICU; those clash with
   Foundation's bundled ICU module (UErrorCode defined twice). We never touch the ICU fields. */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/encoding.h>
