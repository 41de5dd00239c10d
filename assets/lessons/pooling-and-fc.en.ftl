# Texts of the built-in lesson (English). Every { $name } is filled from what the app computed
# at that step (the network, its training record, a sweep or a test set); see docs/lessons.md
# for the names. A step's prose (message ID) stays under 320 characters: its numbers go into
# the evidence table (ID-evidence). A verdict that depends on the data selects on a computed
# verdict (`a`, `b` or `tie`), so it cannot say what the numbers do not.
lesson-title = Pooling and fully-connected layers

-p = p

meet-title = A trained network reads a digit
meet =
    This is digits-max, a small CNN trained on { $train-size } handwritten digits: two convolutions, each followed by ReLU and max pooling, then one dense layer. It reads this picture as { $prediction } ({ $confidence }% sure).
    Each step asks a question: predict, then press Space for the evidence.
meet-evidence =
    | | digits-max |
    | parameters | { $params } |
    | test accuracy | { $test-accuracy }% |
    | test digits | { $test-size } |

convolve-title = Convolution: one kernel, slid everywhere
convolve-question = How many numbers does conv1 make from these { $input-values } pixels?
convolve-choice-one = per pixel
convolve-choice-kernels = per kernel
convolve-choice-maps = per kernel and pixel
convolve =
    conv1 slides each of its { $conv1-channels } kernels over the picture and, at every position, computes a dot product with the patch under it, plus a bias. Hover a cell of the maps, or step with I, J, K, L: the arithmetic panel shows the patch, the kernel, their products and the sum.
convolve-evidence =
    | | conv1 |
    | output | { $conv1-shape } |
    | numbers | { $conv1-values } |
    | parameters | { $conv1-formula } |
    | multiply-adds | { $conv1-macs } |
convolve-verdict = One map per kernel, each as large as the picture (its border padded with zeros): { $conv1-values } numbers. The same { $conv1-weights } weights and { $conv1-biases } biases serve every position.

receptive-title = Each stage sees more of the digit
receptive-question = How much of the picture does one cell of pool2 see?
receptive-choice-small = as much as conv1
receptive-choice-field = a larger patch
receptive-choice-all = the whole picture
receptive =
    A cell of conv1 sees the { $conv1-receptive } pixels under its kernel. Pooling and the next convolution widen what one cell depends on: its receptive field. Hover a cell of pool2's maps: the input panel outlines the pixels it depends on.
receptive-evidence =
    | stage | receptive field |
    | conv1 | { $conv1-receptive } |
    | pool1 | { $pool1-receptive } |
    | conv2 | { $conv2-receptive } |
    | pool2 | { $pool2-receptive } |
receptive-verdict = A pool2 cell sees { $pool2-receptive } pixels, not the whole picture. Each convolution widens the field by its kernel, and each pooling layer doubles how far one step of the next kernel reaches. Only the dense layer fc combines the whole picture.

downsample-title = Pooling shrinks every map
downsample-question = How many of relu1's values does pool1 keep?
downsample-choice-half = one in two
downsample-choice-quarter = one in four
downsample-choice-ninth = one in nine
downsample =
    pool1 keeps one value per { $pool1-kernel } window of each map. Fewer values then reach what comes after: conv2 does fewer multiply-adds, and the dense layer fc needs fewer parameters (inputs × outputs weights plus a bias per output: { $fc-formula }). The table compares with pool1 removed.
downsample-evidence =
    | | with pool1 | without |
    | values into conv2 | { $pool1-values } | { $relu1-values } |
    | conv2 multiply-adds | { $conv2-macs } | { $pool1-without-conv2-macs } |
    | fc parameters | { $fc-params } | { $pool1-without-fc-params } |
downsample-verdict =
    pool1 keeps { $pool1-kept }% of the values, so conv2's multiply-adds and fc's weights shrink in the same proportion.
    { $digits-max-vs-digits-nopool-verdict ->
        [a] digits-nopool, with no pooling at all ({ $digits-nopool-params } parameters), is less accurate on the same test digits: { $digits-nopool-accuracy }% against { $digits-max-accuracy }% ({ -p } { $digits-max-vs-digits-nopool-p }).
        [b] digits-nopool, with no pooling at all ({ $digits-nopool-params } parameters), is more accurate on the same test digits: { $digits-nopool-accuracy }% against { $digits-max-accuracy }% ({ -p } { $digits-max-vs-digits-nopool-p }).
        [tie] digits-nopool, with no pooling at all ({ $digits-nopool-params } parameters), cannot be told apart from digits-max on these test digits ({ -p } { $digits-max-vs-digits-nopool-p }).
       *[other] …
    }

max-keeps-title = Max pooling keeps each window's largest value
max-keeps-question = After max pooling, what happens to the largest value, and to the mean?
max-keeps-choice-same-up = peak same, mean up
max-keeps-choice-same-same = both the same
max-keeps-choice-down-same = peak down, mean same
max-keeps =
    Each cell of pool1 is the largest value of its { $pool1-kernel } window in relu1: hover a pooled cell to see its window. The table compares all of relu1 with all of pool1.
max-keeps-evidence =
    | | relu1 | pool1 |
    | largest | { $relu1-max } | { $pool1-max } |
    | mean | { $relu1-mean } | { $pool1-mean } |
    | values | { $relu1-values } | { $pool1-values } |
max-keeps-verdict = The largest value survives, but that proves nothing: it holds by construction. What max pooling does is drop every value but the largest of each window (it keeps { $pool1-kept }%), so the mean rises: a window's largest value is never below its mean.

avg-smooths-title = Average pooling dilutes a peak
avg-smooths-question = Switched to average pooling on these same weights, does the largest value go up, go down or stay the same?
avg-smooths-choice-up = up
avg-smooths-choice-down = down
avg-smooths-choice-same = the same
avg-smooths =
    Average pooling writes the mean of each window instead of its largest value. The reveal switches pool1 to average pooling (M switches back and forth). These weights were trained with max pooling.
avg-smooths-evidence =
    | | relu1 | pool1 |
    | largest | { $relu1-max } | { $pool1-max } |
    | mean | { $relu1-mean } | { $pool1-mean } |
avg-smooths-verdict = The peak drops: averaging dilutes a strong response; a lone spike among zeros is divided by the window's size. The mean stays the same, but by construction, not as a finding: the { $pool1-kernel } windows do not overlap and cover every value once.

avg-twin-title = A twin trained with average pooling
avg-twin-question = Trained with average pooling from the start, is digits-avg more or less accurate than digits-max?
avg-twin-choice-more = more
avg-twin-choice-less = less
avg-twin-choice-tie = can't tell
avg-twin =
    digits-avg is the same network, with the same seed and training settings, trained with average pooling. Both read the same { $digits-max-test-size } test digits; a paired test (McNemar) looks only at the digits one of them gets right and the other wrong.
avg-twin-evidence =
    | | max | avg |
    | accuracy % | { $digits-max-accuracy } | { $digits-avg-accuracy } |
    | only it right | { $digits-max-vs-digits-avg-a-right } | { $digits-max-vs-digits-avg-b-right } |
    | { -p } | { $digits-max-vs-digits-avg-p } | |
avg-twin-verdict = { $digits-max-vs-digits-avg-verdict ->
        [a] digits-max is ahead: it alone gets { $digits-max-vs-digits-avg-a-right } digits right, digits-avg alone { $digits-max-vs-digits-avg-b-right } ({ -p } { $digits-max-vs-digits-avg-p }). One training run each: another seed might differ.
        [b] digits-avg is ahead: it alone gets { $digits-max-vs-digits-avg-b-right } digits right, digits-max alone { $digits-max-vs-digits-avg-a-right } ({ -p } { $digits-max-vs-digits-avg-p }). One training run each: another seed might differ.
        [tie] They disagree on { $digits-max-vs-digits-avg-discordant } digits, { $digits-max-vs-digits-avg-a-right } one way and { $digits-max-vs-digits-avg-b-right } the other ({ -p } { $digits-max-vs-digits-avg-p }): this test set cannot tell max from average pooling. That is not proof that they are equal.
       *[other] …
    }

noise-title = Does average pooling smooth noise away?
noise-question = Salt-and-pepper noise on the 7. With the same weights, which pooling keeps pool1 closer to its clean run?
noise-choice-max = max pooling
noise-choice-avg = average pooling
noise =
    The noise turned { $noise-salt } pixels white and { $noise-pepper } black (seed { $noise-seed }). The same weights run with max and with average pooling; each noisy run is compared with its own clean run (cosine similarity). Look at the white dots in pool1's maps.
noise-evidence =
    | similarity % | max | avg |
    | input | { $noise-max-input-similarity } | { $noise-avg-input-similarity } |
    | pool1 | { $noise-max-pool1-similarity } | { $noise-avg-pool1-similarity } |
    | fc | { $noise-max-fc-similarity } | { $noise-avg-fc-similarity } |
    | test accuracy % | { $digits-max-noise-accuracy } | { $digits-max-other-noise-accuracy } |
noise-verdict =
    Average pooling keeps pool1 closer; with max pooling pool1 is even less similar than the input. A white dot makes a strong response, which max pooling passes on; a black dot lowers a response that max pooling drops anyway.
    { $digits-max-vs-other-noise-verdict ->
        [b] Over { $digits-max-noise-examples } noisy test digits these weights get more right with average pooling ({ -p } { $digits-max-vs-other-noise-p }), though they were trained with max.
        [a] Over { $digits-max-noise-examples } noisy test digits these weights still get more right with max pooling ({ -p } { $digits-max-vs-other-noise-p }).
        [tie] Over { $digits-max-noise-examples } noisy test digits the two cannot be told apart ({ -p } { $digits-max-vs-other-noise-p }).
       *[other] …
    }

images-speech-title = Max for images, average for speech?
images-speech-question = Do our twins show max pooling better for images and average pooling better for speech?
images-speech-choice-both = both halves
images-speech-choice-speech = speech only
images-speech-choice-shapes = shapes only
images-speech =
    The claim: max pooling suits images, average pooling suits speech. We have three pairs of twins, digits, shapes and spoken digits, each pair the same in everything but its pooling, compared example by example on its own test set. "ahead" names the winner where the paired test is significant.
images-speech-evidence =
    | accuracy % | max | avg | ahead |
    | digits | { $digits-max-accuracy } | { $digits-avg-accuracy } | { $digits-max-vs-digits-avg-verdict ->
        [a] max
        [b] avg
        [tie] —
       *[other] …
    } |
    | shapes | { $shapes-max-accuracy } | { $shapes-avg-accuracy } | { $shapes-max-vs-shapes-avg-verdict ->
        [a] max
        [b] avg
        [tie] —
       *[other] …
    } |
    | speech | { $speech-max-accuracy } | { $speech-avg-accuracy } | { $speech-max-vs-speech-avg-verdict ->
        [a] max
        [b] avg
        [tie] —
       *[other] …
    } |
images-speech-verdict =
    { $speech-max-vs-speech-avg-verdict ->
        [b] On speech average pooling is ahead ({ -p } { $speech-max-vs-speech-avg-p }).
        [a] On speech max pooling is ahead ({ -p } { $speech-max-vs-speech-avg-p }): the speech half is wrong here.
        [tie] On speech our data do not show average pooling better: max reads { $speech-max-accuracy }%, average { $speech-avg-accuracy }% of { $speech-max-test-size } recordings ({ -p } { $speech-max-vs-speech-avg-p }).
       *[other] …
    } On voices they never heard (each speaker left out in turn, two seeds): max 81–82%, average 79–82%, no edge for average there either. Where speech systems do average is over time: statistics pooling turns a whole utterance into one vector.

shift-equivariance-title = Shifted maps: equivariance
shift-equivariance-question = Move the 3 to the right. Do conv1's maps move along with it, unchanged?
shift-equivariance-choice-yes = yes
shift-equivariance-choice-no = no
shift-equivariance =
    The translation lab compares every stage of the shifted 3 with the unshifted run twice: at the same positions, and after moving the unshifted maps along with the shift (where it is a whole number of the stage's cells). The table averages this over every shift along x.
shift-equivariance-evidence =
    | similarity % | same place | moved along |
    | conv1 | { $sweep-conv1-mean } | { $sweep-conv1-aligned } |
    | relu1 | { $sweep-relu1-mean } | { $sweep-relu1-aligned } |
    | pool1 | { $sweep-pool1-mean } | { $sweep-pool1-aligned } |
    | pool2 | { $sweep-pool2-mean } | { $sweep-pool2-aligned } |
shift-equivariance-verdict = Moved along, conv1's maps match the unshifted ones almost exactly: a convolution is equivariant, its maps move with the input. At the same places they differ: it is not invariant. relu1 is already more similar there than conv1: the ReLU, not pooling, gives much of that rise. Means over { $sweep-shifts } shifts, the unshifted run left out.

shift-tolerance-title = Shift tolerance: from pooling or from data?
shift-tolerance-question = Where does most of the network's tolerance of small shifts come from?
shift-tolerance-choice-pooling = pooling
shift-tolerance-choice-data = shifted data
shift-tolerance =
    Each of the { $digits-max-consistency-images } test digits is shifted twice at random, by at most 1, 2 or 3 pixels; the table counts how often the answer stays the same. digits-nopool has no pooling; digits-max-shift is digits-max trained on shifted digits. The chart sweeps the 3 with max, average and blur-max pooling.
shift-tolerance-evidence =
    | same answer % | ≤ 1 px | ≤ 2 px | ≤ 3 px |
    | no pooling | { $digits-nopool-consistency-1 } | { $digits-nopool-consistency-2 } | { $digits-nopool-consistency-3 } |
    | max pooling | { $digits-max-consistency-1 } | { $digits-max-consistency-2 } | { $digits-max-consistency-3 } |
    | max + shifted data | { $digits-max-shift-consistency-1 } | { $digits-max-shift-consistency-2 } | { $digits-max-shift-consistency-3 } |
shift-tolerance-verdict = Pooling adds some tolerance, shifted training data far more; none of them is invariant. Blur-max (Zhang 2019) blurs before it subsamples, against aliasing: on these same weights pool2 stays { $sweep-blurmax-pool2-mean }% similar to the unshifted 3 at the same places, against { $sweep-max-pool2-mean }% with max pooling.

flatten-title = Flatten, then every output is connected to every input
flatten-question = Each output of fc adds up how many of its inputs?
flatten-choice-window = a small window
flatten-choice-some = some of them
flatten-choice-all = all of them
flatten =
    flatten lines pool2's { $pool2-shape } maps up into one vector. Each output of fc is a weighted sum of its inputs plus a bias; the panel lists an output's largest contributions. fc has no activation of its own: softmax turns its scores (logits) into probabilities.
flatten-evidence =
    | | fc |
    | inputs | { $flatten-values } |
    | outputs | { $fc-values } |
    | weights | { $fc-weights } |
    | biases | { $fc-biases } |
flatten-verdict = All of them: { $flatten-values } weights per output, one per input, and a bias. A ReLU before softmax would set every negative score to zero and hide how firmly the network rules a class out; softmax already makes the probabilities positive.

fc-params-title = Fully-connected layers hold most of the parameters
fc-params-question = In fc-overfit, which layer holds most of the parameters?
fc-params-choice-conv1 = conv1
fc-params-choice-fc1 = fc1
fc-params-choice-fc2 = fc2
fc-params =
    A dense layer has inputs × outputs weights plus a bias per output: fc1 = { $fc1-formula }. A convolution has output channels × input channels × kernel height × width weights plus a bias per output channel: conv1 = { $conv1-formula }. Beside: each fc1 unit's weights over the maps it reads.
fc-params-evidence =
    | | parameters | share % |
    | conv1 | { $conv1-params } | { $conv1-params-share } |
    | fc1 | { $fc1-params } | { $fc1-params-share } |
    | fc2 | { $fc2-params } | { $fc2-params-share } |
fc-params-verdict = The dense layer fc1 alone holds { $fc1-params-share }% of the network's { $params } parameters ({ $fc1-weights } weights, { $fc1-biases } biases). The convolution's weights are shared by every position; a dense layer's are not.

overfit-title = Do dense layers over-fit?
overfit-question = fc-overfit learns its training digits perfectly, but not the test digits. What causes the gap?
overfit-choice-layer = the dense layer
overfit-choice-data = too few digits
overfit =
    fc-overfit was trained on { $train-size } digits. The control, fc-8k, is the same network with the same schedule, trained on { $fc-8k-train-size }. The learning curves show both, epoch by epoch, on their training digits and on the same test digits.
overfit-evidence =
    | accuracy % | fc-overfit | fc-8k |
    | training digits | { $train-size } | { $fc-8k-train-size } |
    | training | { $train-accuracy } | { $fc-8k-train-accuracy } |
    | test | { $fc-overfit-accuracy } | { $fc-8k-accuracy } |
    | gap | { $accuracy-gap } | { $fc-8k-accuracy-gap } |
overfit-verdict = { $fc-overfit-vs-fc-8k-verdict ->
        [b] The same network on { $fc-8k-train-size } digits is far better on the test digits ({ -p } { $fc-overfit-vs-fc-8k-p }): most of fc-overfit's gap comes from its { $train-size } digits, not from the dense layer alone. Both still learn their training digits by heart.
        [a] The same network on { $fc-8k-train-size } digits is worse on the test digits ({ -p } { $fc-overfit-vs-fc-8k-p }): more data did not close the gap here.
        [tie] The same network on { $fc-8k-train-size } digits cannot be told apart on the test digits ({ -p } { $fc-overfit-vs-fc-8k-p }): the gap does not come from the number of digits here.
       *[other] …
    }

dropout-title = Dropout and weight decay against over-fitting
dropout-question = Does dropout, or weight decay, make fc-overfit more accurate on the test digits?
dropout-choice-dropout = dropout
dropout-choice-decay = weight decay
dropout-choice-both = both
dropout-choice-neither = can't tell
dropout =
    fc-dropout is fc-overfit with dropout after fc1: while training, each unit is dropped (set to zero, crossed out here) with probability { $dropout-rate }. fc-l2 is fc-overfit with weight decay { $fc-l2-weight-decay } as Adam's L2 term, which is not AdamW's decoupled decay. The same { $train-size } digits.
dropout-evidence =
    | | accuracy % | { -p } vs fc-overfit |
    | fc-overfit | { $fc-overfit-accuracy } | |
    | fc-dropout | { $fc-dropout-accuracy } | { $fc-overfit-vs-fc-dropout-p } |
    | fc-l2 | { $fc-l2-accuracy } | { $fc-overfit-vs-fc-l2-p } |
dropout-verdict =
    { $fc-overfit-vs-fc-dropout-verdict ->
        [b] Dropout helps here: fc-dropout alone gets { $fc-overfit-vs-fc-dropout-b-right } test digits right, fc-overfit alone { $fc-overfit-vs-fc-dropout-a-right }.
        [a] Dropout hurts here: fc-overfit alone gets { $fc-overfit-vs-fc-dropout-a-right } test digits right, fc-dropout alone { $fc-overfit-vs-fc-dropout-b-right }.
        [tie] Dropout: { $fc-overfit-vs-fc-dropout-b-right } digits right that fc-overfit misses, { $fc-overfit-vs-fc-dropout-a-right } the other way; this test set cannot tell.
       *[other] …
    } { $fc-overfit-vs-fc-l2-verdict ->
        [b] Weight decay helps here.
        [a] Weight decay hurts here.
        [tie] Weight decay did nothing we can measure here.
       *[other] …
    }

alternatives-title = Other ways to shrink a map
alternatives-question = Two networks do without pooling layers: digits-stride (convolutions with stride 2) and digits-gap (global average pooling, no dense layer). Does either match digits-max?
alternatives-choice-stride = digits-stride
alternatives-choice-gap = digits-gap
alternatives-choice-neither = neither
alternatives =
    On screen, pool1 uses overlapping { $pool1-kernel } windows with stride 2: neighbouring windows share values. digits-stride learns how to downsample, with as many parameters as digits-max. digits-gap averages each of its last maps into one class score.
alternatives-evidence =
    | | accuracy % | parameters |
    | digits-max | { $digits-max-accuracy } | { $digits-max-params } |
    | digits-stride | { $digits-stride-accuracy } | { $digits-stride-params } |
    | digits-gap | { $digits-gap-accuracy } | { $digits-gap-params } |
alternatives-verdict =
    { $digits-max-vs-digits-stride-verdict ->
        [a] digits-stride is behind on the same test digits ({ -p } { $digits-max-vs-digits-stride-p }).
        [b] digits-stride is ahead on the same test digits ({ -p } { $digits-max-vs-digits-stride-p }).
        [tie] digits-stride cannot be told apart from digits-max ({ -p } { $digits-max-vs-digits-stride-p }).
       *[other] …
    } { $digits-max-vs-digits-gap-verdict ->
        [a] digits-gap is behind ({ -p } { $digits-max-vs-digits-gap-p }),
        [b] digits-gap is ahead ({ -p } { $digits-max-vs-digits-gap-p }),
        [tie] digits-gap cannot be told apart ({ -p } { $digits-max-vs-digits-gap-p }),
       *[other] …
    } but its schedule was not re-tuned: this compares recipes, not only architectures.

summary-title = Claim by claim
summary =
    What the material says, what our networks say, and the number behind it: parameters with and without pooling; a paired test's p (tie: our test set cannot tell); test digits keeping their answer under the largest shifts; the over-fitting gap in points, on { $fc-overfit-train-size } and on { $fc-8k-train-size } digits.
summary-evidence =
    | claim | verdict | number |
    | fewer parameters | yes | { $params } / { $digits-nopool-params } |
    | max beats avg | { $digits-max-vs-digits-avg-verdict ->
        [a] yes
        [b] no
        [tie] tie
       *[other] …
    } | { -p } { $digits-max-vs-digits-avg-p } |
    | shift invariance | partly | { $digits-max-consistency-3 }% |
    | shifted data | far more | { $digits-max-shift-consistency-3 }% |
    | dense over-fits | { $fc-overfit-vs-fc-8k-verdict ->
        [b] if few data
        [a] no
        [tie] no
       *[other] …
    } | { $fc-overfit-accuracy-gap } / { $fc-8k-accuracy-gap } |
    | dropout helps | { $fc-overfit-vs-fc-dropout-verdict ->
        [b] yes
        [a] no
        [tie] tie
       *[other] …
    } | { -p } { $fc-overfit-vs-fc-dropout-p } |
    | decay helps | { $fc-overfit-vs-fc-l2-verdict ->
        [b] yes
        [a] no
        [tie] tie
       *[other] …
    } | { -p } { $fc-overfit-vs-fc-l2-p } |
summary-verdict = Pooling earns its place by cutting parameters and work, and it adds some shift tolerance, less than shifted training data. A tie means our test set is too small to decide: that is not the same as no effect.
