/* attention-window-private.h: AttentionWindow's internals, shared between
 * attention-window.c and its actions in attention-window-actions.c. */
#pragma once

#include "attention-export-job.h"
#include "attention-limit-banner.h"
#include "attention-predictions.h"
#include "attention-selection.h"
#include "attention-neuron-page.h"
#include "attention-sidebar.h"
#include "attention-single-page.h"
#include "attention-window.h"

G_BEGIN_DECLS

struct _AttentionWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children */
  AttentionSelection *selection; /* what the window shows */
  AdwViewSwitcherTitle *switcher_title;
  GtkLabel *model_label; /* the model's name, when the switcher shows no subtitle */
  GtkWidget *model_box;  /* model_label and, for the demo model, model_note */
  GtkLabel *model_note;
  int model_box_width; /* model_box's width and spacing when it last showed */
  AdwFlap *flap;
  AttentionSidebar *sidebar;
  AdwViewStack *view_stack; /* the pages: Single Head, All Heads, Compare, Lines */
  AttentionSinglePage *single_page;
  GtkSpinner *spinner;
  GtkLabel *info_name;
  GtkLabel *info_size;
  GtkLabel *info_description;
  GtkLabel *info_source;
  GtkLabel *info_path;
  AdwToastOverlay *toast_overlay;
  GtkEntry *entry;
  GtkEntry *pair_entry;         /* "Second sentence": empty for a single one */
  GtkToggleButton *pair_button; /* shows the second sentence's entry */
  AttentionPredictions *predictions;
  AttentionLimitBanner *limit_banner; /* the text is longer than the model was trained on */
  GtkStack *stack;
  AdwStatusPage *busy_page;
  AdwStatusPage *no_model_page;
  GtkWidget *controls;
  GtkScale *layer_scale;
  GtkScale *head_scale;
  GtkLabel *layer_value;
  GtkLabel *head_value;
  GtkAdjustment *layer_adjustment;
  GtkAdjustment *head_adjustment;
  GtkRevealer *export_revealer;
  GtkProgressBar *export_progress;

  GSettings *settings; /* NULL when the schema is not installed */
  GCancellable *load_cancellable;
  GCancellable *run_cancellable;
  GCancellable *export_cancellable;
  /* The running export, or NULL. */
  AttentionExportJob *export_job;
  gboolean run_when_loaded; /* Enter pressed while the model was loading */
  gpointer mask_noted;      /* the model whose [MASK] reading was told (no ref) */
  gboolean syncing_sliders; /* the sliders are being set from the selection */
  char *last_message;
  GtkWidget *export_dialog; /* the open Export dialog, or NULL (weak) */
  char *unmasked_text;      /* the sentence before "Mask this token", for Restore */
  char *unmasked_pair;      /* and the second one ("" for none) */
  gboolean setting_text;    /* the entry is being set by the window, not typed */
  /* "Open this bundle? It runs code" while it is asked, or NULL (weak). */
  AdwMessageDialog *trust_dialog;
  /* "The folder holds diagrams of another sentence" while it is asked, or
   * NULL. */
  AdwMessageDialog *sentence_dialog;
  /* The last error dialog while it is open, or NULL (weak). */
  AdwMessageDialog *error_dialog;
  float *head_mask; /* heads switched off in All Heads (0), or NULL */
  guint head_mask_layers, head_mask_heads;
  AttentionResult *baseline; /* the last result with every head on */
  AttentionNeuronPage *neuron_page;
  /* What the model said it cannot provide ("this model does not expose …"),
   * NULL while untried or provided; reset with a new model. */
  char *lacks_qk;
  char *lacks_norms;
};

/* attention-window-actions.c */
void attention_window_actions_init (AttentionWindow *self);
void attention_window_update_actions (AttentionWindow *self);
/* Tells the page actions (win.view and its toggles) which page is shown. */
void attention_window_actions_show_page (AttentionWindow *self, const char *page);
/* The export chosen last, the state of win.export-format: an id of
 * attention-export-registry.h ("png", the original set, by default). */
const char *attention_window_get_export_format (AttentionWindow *self);

/* attention-window-ask.c: Mask this token, Restore */
void attention_window_ask_init (AttentionWindow *self);
/* Drops what the window asked (from dispose). */
void attention_window_ask_clear (AttentionWindow *self);
void attention_window_ask_update_actions (AttentionWindow *self);
/* The entry changed: a user's edit forgets what Restore would put back. */
void attention_window_ask_text_edited (AttentionWindow *self);
/* What the window's toggles ask of a run (win.all-positions). */
void attention_window_ask_fill_options (AttentionWindow *self, AttentionRunOptions *options);

/* attention-window.c */
void attention_window_load_model (AttentionWindow *self, const char *path, gboolean remember);
/* win.open-demo-model: the bundled demo model, remembered, never asked
 * about (Get Models falls back to it when the model in use is removed). */
void attention_window_open_demo_model (AttentionWindow *self);
void attention_window_run (AttentionWindow *self);
void attention_window_export_to (AttentionWindow *self, const char *dir);
/* Where Export offers to write first: an "Attention" folder in the user's
 * Pictures folder (XDG_PICTURES_DIR, else ~/Pictures), made on the first
 * export into it. */
char *attention_window_default_export_folder (void);
void attention_window_toast (AttentionWindow *self, const char *message);
void attention_window_error (AttentionWindow *self,
                             const char *heading,
                             const char *message,
                             const char *details);
/* As attention_window_error, with a button for the way on (next_label, a
 * mnemonic) that activates next_action ("win.get-models"); the message says
 * what to do next in words too. */
void attention_window_error_next (AttentionWindow *self,
                                  const char *heading,
                                  const char *message,
                                  const char *details,
                                  const char *next_label,
                                  const char *next_action);
/* The example sentence the first launch runs. */
const char *attention_window_example_sentence (void);

G_END_DECLS
