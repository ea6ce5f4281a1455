/* gumbo_fragment_quirks: shows that valgrind's "conditional jump depends on uninitialised
 * value" inside gumbo_parse_with_options is gumbo 0.10.1's own fault, not feedd's, and that
 * zeroed allocations make it go away. Built and run by scripts/valgrind-parse.sh --gumbo.
 *
 * gumbo_fragment_quirks fragment|document FILE [zeroed]
 *
 * Cause (gumbo 0.10.1, src/parser.c): new_document_node() never sets
 * document->doc_type_quirks_mode; in document mode the "initial" insertion mode sets it,
 * but fragment parsing skips that mode, and the in-body rule for a <table> start tag reads
 * it ("unless the document is in quirks mode, close a <p> in button scope"). The value is
 * whatever malloc returned, so the tree built for "<p>x<table>" depends on heap garbage.
 * GUMBO_DOCTYPE_NO_QUIRKS is 0, so a calloc-based allocator gives the value the HTML
 * fragment-parsing algorithm prescribes for a document without a doctype. */
#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>

static void* ZeroedAllocate(void* userdata, size_t size) {
  (void)userdata;
  return calloc(1, size);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: gumbo_fragment_quirks fragment|document FILE [zeroed]\n");
    return 2;
  }
  FILE* file = fopen(argv[2], "rb");
  if (file == NULL) return 2;
  char* text = NULL;
  size_t size = 0;
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, file)) > 0) {
    char* grown = realloc(text, size + got);
    if (grown == NULL) return 2;
    text = grown;
    for (size_t i = 0; i < got; ++i) text[size + i] = chunk[i];
    size += got;
  }
  fclose(file);
  GumboOptions options = kGumboDefaultOptions;
  if (argv[1][0] == 'f') {
    /* As feedd's sanitiser parses entry HTML: a fragment inside a <div>. */
    options.fragment_context = GUMBO_TAG_DIV;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  }
  options.max_errors = 0;
  if (argc > 3) options.allocator = ZeroedAllocate;
  GumboOutput* output = gumbo_parse_with_options(&options, text == NULL ? "" : text, size);
  printf("root has %u children\n", output->root->v.element.children.length);
  gumbo_destroy_output(&options, output);
  free(text);
  return 0;
}
