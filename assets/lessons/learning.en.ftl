# Texts of the built-in lesson on learning (English). Every { $name } is filled from what the
# app computed: the open network, and the lesson's training runs, each named after the step that
# starts it ({ $small-test-accuracy }, { $more-data-gap }, …: `…` until the run has finished).
# What a run is asked to do ({ $dropout-dropout }, { $small-train-size }) is known at once, so a
# question can quote it before the run starts. A verdict that depends on the data selects on a
# computed verdict (`a`, `b` or `tie` from a paired test; `gap` or `none`), so it cannot say
# what the numbers do not. Prose (message ID) stays under 320 characters.
lesson-title = Learning, over-fitting and its cures

-p = p
-run1 = run 1
-tie = tie

meet-title = A network we will train from scratch
meet =
    fc-overfit: a convolution with pooling, then two dense layers; { $fc1-params-share }% of its { $params } parameters are in fc1. Each step trains it afresh from a seed in the Train tab, for a few seconds. Solid lines: accuracy on its training digits; dashed: on { $test-size } test digits it never learns from.
meet-evidence =
    | | fc-overfit |
    | parameters | { $params } |
    | in fc1 | { $fc1-params } |
    | test digits | { $test-size } |

small-title = Few digits: does it learn, or memorise?
small-question = Trained on { $small-train-size } digits for { $small-epochs } epochs, where will the two accuracies end?
small-choice-both = both ~100%
small-choice-train = training ~100%, test lower
small-choice-neither = both low
small =
    Run 1 trains the network on the first { $small-train-size } training digits, { $small-epochs } passes (epochs), seed { $small-seed }. After every epoch it is tested on digits it never trains on. The run starts when the answer is revealed: watch the solid and the dashed line part.
small-evidence =
    | | { -run1 } |
    | training digits | { $small-train-size } |
    | training accuracy % | { $small-train-accuracy } |
    | test accuracy % | { $small-test-accuracy } |
    | gap, points | { $small-gap } |
small-verdict = { $small-gap-verdict ->
        [gap] It reads { $small-train-accuracy }% of its own digits but { $small-test-accuracy }% of new ones: a gap of { $small-gap } points, far more than chance explains. It learnt these digits more than digits in general: over-fitting. One run with one seed.
        [none] Training and test accuracy end close together ({ $small-train-accuracy }% and { $small-test-accuracy }%): this run shows no over-fitting.
       *[other] …
    }

more-data-title = The control: more digits
more-data-question = The same network and settings on { $more-data-train-size } digits. What happens to the gap?
more-data-choice-closes = it closes
more-data-choice-same = it stays
more-data-choice-wider = it grows
more-data =
    Run 2 changes the data: { $more-data-train-size } training digits instead of { $small-train-size }. To stay short it runs { $more-data-epochs } epochs, so it still sees more images ({ $more-data-images-seen } against { $small-images-seen }). Both runs are tested on the same digits; a paired test (McNemar) looks at the digits only one of them gets right.
more-data-evidence =
    | | { -run1 } | run 2 |
    | training digits | { $small-train-size } | { $more-data-train-size } |
    | training % | { $small-train-accuracy } | { $more-data-train-accuracy } |
    | test % | { $small-test-accuracy } | { $more-data-test-accuracy } |
    | gap | { $small-gap } | { $more-data-gap } |
more-data-verdict = { $small-vs-more-data-verdict ->
        [b] Run 2 alone gets { $small-vs-more-data-b-right } test digits right, run 1 alone { $small-vs-more-data-a-right } ({ -p } { $small-vs-more-data-p }): more digits raise test accuracy and close the gap. It also saw more images, so this is more data and more steps together.
        [a] Run 2 alone gets { $small-vs-more-data-b-right } test digits right, run 1 alone { $small-vs-more-data-a-right } ({ -p } { $small-vs-more-data-p }): more digits did not help here.
        [tie] The two runs disagree on { $small-vs-more-data-discordant } test digits, { $small-vs-more-data-b-right } to { $small-vs-more-data-a-right } ({ -p } { $small-vs-more-data-p }): the test digits cannot tell them apart.
       *[other] …
    }

dropout-title = Dropout
dropout-question = Back on { $dropout-train-size } digits, with dropout { $dropout-dropout } before the last layer. Which closes the gap more: more data, or dropout?
dropout-choice-data = more data
dropout-choice-dropout = dropout
dropout-choice-same = the same
dropout =
    Run 3 is run 1 with dropout: while it trains, each unit of fc1's output is set to zero with probability { $dropout-dropout }, a new choice for every digit, so no unit can rely on another being there. Testing uses every unit.
dropout-evidence =
    | | training % | test % | gap |
    | { -run1 } | { $small-train-accuracy } | { $small-test-accuracy } | { $small-gap } |
    | run 2, data | { $more-data-train-accuracy } | { $more-data-test-accuracy } | { $more-data-gap } |
    | run 3, dropout | { $dropout-train-accuracy } | { $dropout-test-accuracy } | { $dropout-gap } |
dropout-verdict =
    The gap is { $more-data-gap } points with more digits and { $dropout-gap } with dropout.
    { $small-vs-dropout-verdict ->
        [b] On the same test digits run 3 is ahead of run 1 ({ -p } { $small-vs-dropout-p }).
        [a] On the same test digits run 3 is behind run 1 ({ -p } { $small-vs-dropout-p }): here dropout cost test accuracy.
        [tie] On the same test digits runs 3 and 1 cannot be told apart ({ -p } { $small-vs-dropout-p }), one seed each.
       *[other] …
    }

decay-title = Weight decay
decay-question = Weight decay pulls every weight towards zero at each step. Will run 4 read the test digits better than run 1?
decay =
    Run 4 is run 1 with weight decay { $decay-weight-decay } as Adam's L2 term: { $decay-weight-decay } × each weight is added to its gradient (AdamW's decoupled decay is another thing). Large weights cost something, so learning each digit by heart should cost more.
decay-evidence =
    | | { -run1 } | run 4 |
    | training % | { $small-train-accuracy } | { $decay-train-accuracy } |
    | test % | { $small-test-accuracy } | { $decay-test-accuracy } |
    | gap | { $small-gap } | { $decay-gap } |
    | only it right | { $small-vs-decay-a-right } | { $small-vs-decay-b-right } |
decay-verdict = { $small-vs-decay-verdict ->
        [b] Run 4 is ahead on the same test digits ({ -p } { $small-vs-decay-p }): weight decay helped here.
        [a] Run 4 is behind on the same test digits ({ -p } { $small-vs-decay-p }): weight decay hurt here.
        [tie] The test digits cannot tell runs 4 and 1 apart ({ -p } { $small-vs-decay-p }): weight decay did nothing we can measure at this strength. A tie is not proof of no effect.
       *[other] …
    }

shift-title = Shifted copies of the digits
shift-question = Run 5 moves each of the { $shift-train-size } digits by up to { $shift-augment-shift } pixels, anew every epoch. Which accuracy will move?
shift-choice-train = training falls
shift-choice-test = test rises
shift-choice-both = both move
shift =
    Data augmentation: the network never sees the same picture twice, so it cannot learn the pictures by heart, only what stays when a digit moves a little. Training accuracy is measured on the digits as they are, unshifted.
shift-evidence =
    | | { -run1 } | run 5 |
    | training % | { $small-train-accuracy } | { $shift-train-accuracy } |
    | test % | { $small-test-accuracy } | { $shift-test-accuracy } |
    | gap | { $small-gap } | { $shift-gap } |
    | only it right | { $small-vs-shift-a-right } | { $small-vs-shift-b-right } |
shift-verdict = { $small-vs-shift-verdict ->
        [b] Run 5 is ahead on the same test digits ({ -p } { $small-vs-shift-p }): shifted copies raised test accuracy.
        [a] Run 5 is behind on the same test digits ({ -p } { $small-vs-shift-p }).
        [tie] The gap is { $shift-gap } points instead of { $small-gap }, but the test digits cannot tell runs 5 and 1 apart ({ -p } { $small-vs-shift-p }): the gap narrowed from above, by lower training accuracy. A narrower gap is not a better network.
       *[other] …
    }

seed-title = One seed is one run
seed-question = Run 6 is run 1 with seed { $seed-seed } instead of { $small-seed }: other starting weights, the digits in another order. How far will its test accuracy move?
seed =
    Nothing else changes. The difference between two seeds is the noise under every comparison in this lesson: a cure that moves test accuracy by no more than this has shown nothing yet.
seed-evidence =
    | | { -run1 } | run 6 |
    | seed | { $small-seed } | { $seed-seed } |
    | training % | { $small-train-accuracy } | { $seed-train-accuracy } |
    | test % | { $small-test-accuracy } | { $seed-test-accuracy } |
    | only it right | { $small-vs-seed-a-right } | { $small-vs-seed-b-right } |
seed-verdict = { $small-vs-seed-verdict ->
        [tie] Only the seed changed, and test accuracy moved from { $small-test-accuracy }% to { $seed-test-accuracy }% ({ -p } { $small-vs-seed-p }). Differences like this between cures say nothing alone: several seeds per recipe, and more test digits, would.
       *[other] Only the seed changed, yet the paired test calls the difference real ({ -p } { $small-vs-seed-p }): one comparison in twenty does that by chance. Several seeds per recipe would tell.
    }

summary-title = Every run, against run 1
summary =
    Each run compared with run 1 on the same { $small-test-size } test digits with a paired test: better, worse, or tie when p ≥ 0.05. The gap is training minus test accuracy, in points.
summary-evidence =
    | run | test % | gap | vs run 1 |
    | 1, { $small-train-size } digits | { $small-test-accuracy } | { $small-gap } | |
    | 2, { $more-data-train-size } digits | { $more-data-test-accuracy } | { $more-data-gap } | { $small-vs-more-data-verdict ->
        [a] worse
        [b] better
        [tie] { -tie }
       *[other] …
    } |
    | 3, dropout | { $dropout-test-accuracy } | { $dropout-gap } | { $small-vs-dropout-verdict ->
        [a] worse
        [b] better
        [tie] { -tie }
       *[other] …
    } |
    | 4, decay | { $decay-test-accuracy } | { $decay-gap } | { $small-vs-decay-verdict ->
        [a] worse
        [b] better
        [tie] { -tie }
       *[other] …
    } |
    | 5, shifts | { $shift-test-accuracy } | { $shift-gap } | { $small-vs-shift-verdict ->
        [a] worse
        [b] better
        [tie] { -tie }
       *[other] …
    } |
    | 6, seed { $seed-seed } | { $seed-test-accuracy } | { $seed-gap } | { $small-vs-seed-verdict ->
        [a] worse
        [b] better
        [tie] { -tie }
       *[other] …
    } |
summary-verdict =
    { $small-vs-more-data-verdict ->
        [b] More digits beat run 1 on the same test digits and closed the gap.
       *[other] More digits did not beat run 1 on these test digits.
    } Each line is one run of one seed; run 6 shows how far a seed alone moves the numbers. To rank the cures, train several seeds of each and test on more digits.
