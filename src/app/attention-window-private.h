/* attention-window-private.h: AttentionWindow's internals, shared between
 * attention-window.c and its actions in attention-window-actions.c. */
#pragma once

#include "attention-export-job.h"
#include "attention-predictions.h"
#include "attention-window.h"

G_BEGIN_DECLS

struct _AttentionWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children */
  AdwViewSwitcherTitle *switcher_title;
  AdwFlap *flap;
  GtkScrolledWindow *sidebar; /* holds the analysis controls */
  AdwViewStack *view_stack;   /* Single head / All heads / Compare pages */
  GtkSpinner *spinner;
  GtkLabel *info_name;
  GtkLabel *info_size;
  GtkLabel *info_description;
  GtkLabel *info_source;
  GtkLabel *info_path;
  AdwToastOverlay *toast_overlay;
  GtkEntry *entry;
  AttentionPredictions *predictions;
  GtkStack *stack;
  AdwStatusPage *busy_page;
  AdwStatusPage *no_model_page;
  AttentionView *view;
  GtkWidget *controls;
  GtkScale *layer_scale;
  GtkScale *head_scale;
  GtkLabel *layer_value;
  GtkLabel *head_value;
  GtkAdjustment *layer_adjustment;
  GtkAdjustment *head_adjustment;
  GtkLabel *hover_label;
  GtkRevealer *export_revealer;
  GtkProgressBar *export_progress;

  GSettings *settings; /* NULL when the schema is not installed */
  AttentionModel *model;
  AttentionResult *result;
  GCancellable *load_cancellable;
  GCancellable *run_cancellable;
  GCancellable *export_cancellable;
  /* The running export, or NULL. */
  AttentionExportJob *export_job;
  gboolean run_when_loaded; /* Enter pressed while the model was loading */
  gboolean restore_view;    /* layer/head from settings not applied yet */
  gboolean started;         /* settings read and first model load begun */
  char *last_message;
  GtkWidget *export_dialog; /* the open Export dialog, or NULL (weak) */
};

/* attention-window-actions.c */
void attention_window_actions_init (AttentionWindow *self);
void attention_window_update_actions (AttentionWindow *self);

/* attention-window.c */
void attention_window_load_model (AttentionWindow *self, const char *path, gboolean remember);
void attention_window_run (AttentionWindow *self);
void attention_window_export_to (AttentionWindow *self, const char *dir);
void attention_window_toast (AttentionWindow *self, const char *message);
void attention_window_error (AttentionWindow *self,
                             const char *heading,
                             const char *message,
                             const char *details);
void attention_window_step_layer (AttentionWindow *self, int delta);
void attention_window_step_head (AttentionWindow *self, int delta);
/* Shows view's hover text in the read-out over the matrix. */
void attention_window_show_hover (AttentionWindow *self, GParamSpec *pspec, AttentionView *view);
/* The example sentence the first launch runs. */
const char *attention_window_example_sentence (void);

G_END_DECLS
