/* attention-export-names.h: what an export calls its files and what it
 * writes under each picture: every file name and every caption of an
 * export is made here. */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

/* "png", "svg", "pdf", "npy" or "json". */
const char *attention_export_format_extension (AttentionExportFormat format);

/* "Attention_Layer3_Head11.png" for layer 2, head 10 (0-indexed in), as the
 * original exercise named its diagrams. */
char *attention_export_file_name (guint layer, guint head, const char *extension);

/* The PNG text chunk (the standard "Description") in which each diagram of a
 * PNG set records the sentence it shows: a later export into the folder can
 * tell its own set from another sentence's. */
#define ATTENTION_EXPORT_SENTENCE_KEY "Description"

/* "Lines_Layer3_Head11.svg" for layer 2, head 10 (0-indexed in). */
char *attention_export_lines_file_name (guint layer, guint head, const char *extension);

/* "Neuron_Layer3_Head11_Token5.png" for layer 2, head 10, query token 4
 * (0-indexed in). */
char *
attention_export_neuron_file_name (guint layer, guint head, guint query, const char *extension);

/* The caption of a picture of layer (0-indexed) showing heads[0..n_heads):
 * "Layer 3, Head 11 · model\ntext" for one head, "Layer 3, Heads 1, 4 ·
 * model\ntext" for several; model_name NULL or "" leaves it out. */
char *attention_export_caption (AttentionResult *result,
                                guint layer,
                                const guint *heads,
                                guint n_heads,
                                const char *model_name);

G_END_DECLS
