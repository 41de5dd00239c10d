# Texts of the built-in lesson "What a convolution does" (English). Every { $name } is filled
# from what the app computed at that step (the network, the tried padding and stride, the
# models compared); see docs/lessons.md for the names. A step's prose (message ID) stays under
# 320 characters: its numbers go into the evidence table (ID-evidence).
lesson-title = What a convolution does

meet-title = A photo through hand-made kernels
meet =
    edges is not trained: its { $conv1-channels } kernels of { $conv1-kernel } were written by hand (Sobel x and y, a Laplacian, a blur, four line detectors). conv1 slides each kernel over the photo and writes one map per kernel.
    Each step asks a question: predict, then press Space for the evidence.
meet-evidence =
    | | conv1 |
    | input | { $input-shape } |
    | kernels | { $conv1-channels } × { $conv1-kernel } |
    | parameters | { $conv1-formula } |
    | output | { $conv1-shape } |

sobel-title = Sobel x: change from left to right
sobel-question = A bright vertical bar on black. What will the Sobel x map show along the bar's two long sides?
sobel-choice-sides = bright on both sides
sobel-choice-opposite = positive on one, negative on the other
sobel-choice-nothing = nothing
sobel =
    Sobel x (the first map) subtracts the column left of each pixel from the column right of it (weights -1, -2, -1 and 1, 2, 1); Sobel y (the second map) does the same from the row above to the row below. Red is positive, blue negative.
sobel-evidence =
    | map | lowest | highest | exactly 0 % |
    | Sobel x | { $conv1-map-0-min } | { $conv1-map-0-max } | { $conv1-map-0-zeros } |
    | Sobel y | { $conv1-map-1-min } | { $conv1-map-1-max } | { $conv1-map-1-zeros } |
sobel-verdict = Sobel x is positive where the brightness rises from left to right and negative where it falls: the sign tells the direction of the edge. Sobel y answers only where brightness changes from top to bottom: the bar's short ends. The table shows the extremes, not where they are: the maps show that.

flat-title = Flat areas and the sum of the weights
flat-question = On a perfectly flat patch of the photo, what do Sobel and the Laplacian output?
flat-choice-zero = 0
flat-choice-grey = the grey level
flat-choice-bright = a large value
flat =
    On a flat patch every pixel under the kernel has the same value v, so the output is v times the sum of the kernel's weights. The table adds up each kernel's weights. The Laplacian subtracts the four neighbours from four times the centre: it answers spots and thin lines.
flat-evidence =
    | kernel | sum of weights | lowest | highest |
    | Sobel x | { $conv1-kernel-0-sum } | { $conv1-map-0-min } | { $conv1-map-0-max } |
    | Laplacian | { $conv1-kernel-2-sum } | { $conv1-map-2-min } | { $conv1-map-2-max } |
    | blur | { $conv1-kernel-3-sum } | { $conv1-map-3-min } | { $conv1-map-3-max } |
flat-verdict = Sobel and the Laplacian sum to { $conv1-kernel-2-sum }: on a flat patch they give 0, whatever its brightness, so they find change, not brightness. The blur sums to { $conv1-kernel-3-sum }: it returns the grey level itself, smoothed. This holds by construction; the maps show where this photo is not flat.

learned-title = Kernels learned from digits
learned-question = digits-max learned its { $conv1-channels } conv1 kernels from { $train-size } digits. How many of them sum to about 0, like Sobel?
learned-choice-all = all of them
learned-choice-some = some of them
learned-choice-none = none
learned =
    Nobody wrote these weights: training set them. Look at each kernel's pattern of red and blue and at the map it makes of the 7. A kernel counts as summing to about 0 when its sum is under a tenth of the sum of its weights' sizes.
learned-evidence =
    | kernel | sum | kernel | sum |
    | #0 | { $conv1-kernel-0-sum } | #4 | { $conv1-kernel-4-sum } |
    | #1 | { $conv1-kernel-1-sum } | #5 | { $conv1-kernel-5-sum } |
    | #2 | { $conv1-kernel-2-sum } | #6 | { $conv1-kernel-6-sum } |
    | #3 | { $conv1-kernel-3-sum } | #7 | { $conv1-kernel-7-sum } |
    | about 0 | { $conv1-balanced-kernels } | | |
learned-verdict = { $conv1-balanced-kernels } of { $conv1-channels } kernels sum to about 0: those find change, like Sobel; the others also respond to brightness itself, which a bias and the ReLU after them can use. Whether a kernel finds edges shows in its map of the 7, not in its sum alone. One trained network: another seed would give other kernels.

by-hand-title = One output value by hand
by-hand-question = To compute one cell of a conv1 map, how many multiplications does conv1 do?
by-hand-choice-weights = one per weight of the kernel
by-hand-choice-pixels = one per pixel of the picture
by-hand-choice-kernels = one per kernel
by-hand =
    The panel takes the patch under the kernel, multiplies it with the kernel value by value, adds the products and the bias. Hover a cell of the maps (or step with I, J, K, L); the panel's Animate button slides the kernel over the picture cell by cell.
by-hand-evidence =
    | | conv1 |
    | weights per kernel | { $conv1-kernel-weights } |
    | output cells | { $conv1-values } |
    | multiply-adds | { $conv1-macs } |
by-hand-verdict = { $conv1-kernel-weights } multiplications and one bias per cell: { $conv1-macs } multiply-adds for the { $conv1-values } cells. The same kernel at every position: a pattern is found wherever it is.

padding-title = Padding keeps the size
padding-question = conv1 pads the picture with zeros, { $conv1-padding } pixel wide on every side. Without padding, how large will its maps be?
padding-choice-same = as large as the picture
padding-choice-one = one row and column smaller
padding-choice-two = two rows and columns smaller
padding =
    A map has one cell per place the kernel fits. The size of the output follows from the input H, padding P, kernel K and stride S: (H + 2P - K) / S + 1, rounded down. The reveal reruns conv1's own weights without padding; the row "Try" above the maps tries any padding and stride.
padding-evidence =
    | formula | maps made |
    | { $conv1-size-formula } | { $conv1-shape } |
    | { $conv1-try-formula } | { $conv1-try-shape } |
padding-verdict = Without padding the maps are { $conv1-try-shape }: a { $conv1-kernel } kernel cannot be centred on the picture's outer ring. The formula and the maps the engine made agree. Padding keeps the size, but its zeros are made up: cells at the border partly see nothing.

stride-title = Stride skips positions
stride-question = With padding { $conv1-padding } and stride 2, how large will conv1's maps be?
stride-choice-half = half as wide and high
stride-choice-quarter = a quarter as wide and high
stride-choice-less = just one row and column less
stride =
    The stride is the step between two positions of the kernel: stride 1 visits every position, stride 2 every second one in each direction. Predict with the formula, (H + 2P - K) / S + 1 rounded down; the reveal reruns conv1's weights with stride 2.
stride-evidence =
    | formula | numbers made |
    | { $conv1-size-formula } | { $conv1-values } |
    | { $conv1-try-formula } | { $conv1-try-values } |
stride-verdict = Stride { $conv1-try-stride } halves each side, so the maps hold a quarter of the numbers: a convolution can shrink maps as pooling does, with weights it learns. The formula's rounding matters: try padding 0 and stride 2 in the row above the maps.

channels-title = A second layer combines channels
channels-question = conv2 reads pool1's { $pool1-shape } maps. How many of them does one conv2 kernel read?
channels-choice-one = one map
channels-choice-some = a few maps
channels-choice-all = every map
channels =
    conv1 found simple patterns, one per map. conv2 has { $conv2-channels } kernels; each makes one map of its own. What one conv2 cell adds up decides what a second layer can find: strokes and corners made of edges.
channels-evidence =
    | | conv2 |
    | input maps | { $conv2-in-channels } |
    | weights per kernel | { $conv2-kernel-weights } |
    | parameters | { $conv2-formula } |
    | output | { $conv2-shape } |
channels-verdict = Each kernel has a { $conv2-kernel } slice for every one of the { $conv2-in-channels } input maps: { $conv2-kernel-weights } weights, all added into one cell. So a conv2 map can say "an edge here and a stroke there", which no single conv1 map can.

receptive-title = The receptive field grows layer by layer
receptive-question = A conv1 cell sees { $conv1-receptive } pixels. With pool1 between them, how much of the digit does a conv2 cell see?
receptive-choice-same = as much as conv1
receptive-choice-plus = a little more
receptive-choice-double = more than twice as wide
receptive =
    The receptive field is the patch of input pixels one cell depends on. Hover a cell of conv2's maps: the input panel outlines its field. digits-nopool is the same network without pooling: the control.
receptive-evidence =
    | stage | digits-max | digits-nopool |
    | conv1 | { $conv1-receptive } | { $digits-nopool-conv1-receptive } |
    | pool1 | { $pool1-receptive } | |
    | conv2 | { $conv2-receptive } | { $digits-nopool-conv2-receptive } |
    | pool2 | { $pool2-receptive } | |
receptive-verdict = Each { $conv2-kernel } convolution widens the field by two steps of the layer before it; after pooling one step covers two pixels, so conv2 sees { $conv2-receptive } with pooling and { $digits-nopool-conv2-receptive } without. No stage here sees the whole picture: the dense layer does.

params-title = A convolution against a dense layer
params-question = A dense layer from the { $input-values } pixels to conv1's { $conv1-values } outputs: how many parameters would it need, against conv1's { $conv1-params }?
params-choice-same = about as many
params-choice-hundreds = hundreds of times more
params-choice-thousands = tens of thousands of times more
params =
    A dense layer connects every output to every input: inputs × outputs weights plus a bias per output. A convolution connects each output to the { $conv1-kernel } patch under it, and uses the same weights at every position.
params-evidence =
    | | parameters | formula |
    | conv1 | { $conv1-params } | { $conv1-formula } |
    | dense | { $conv1-dense-params } | { $conv1-dense-formula } |
    | conv2 | { $conv2-params } | { $conv2-formula } |
    | dense | { $conv2-dense-params } | { $conv2-dense-formula } |
params-verdict = A dense layer would need { $conv1-dense-ratio } times conv1's parameters for the same outputs: locality (each output reads a small patch) and weight sharing (one kernel everywhere) make the difference. This does not show that it would learn worse, only that it needs far more weights.

where-title = Which pixels made the answer?
where-question = The gradient map colours each pixel by how much making it a little brighter would change the score of { $prediction }. Where is it strongest?
where-choice-ink = only on the ink of the digit
where-choice-beside = on the ink and the background beside it
where-choice-everywhere = about the same everywhere
where = "Where it looked" (key W) lays the map over the input: red raises the score of { $prediction }, blue lowers it. The reveal shows occlusion: the drop of the score when a grey 4×4 patch hides each place.
where-evidence =
    | | gradient | occlusion |
    | on the ink | { $explain-gradient-on-bright } % | { $explain-occlusion-on-bright } % |
    | ink pixels | { $explain-bright } % | |
    | top 10 % shared | { $explain-top-overlap } % | |
    | score, largest drop | { $explain-score } | { $explain-occlusion-max } |
where-verdict = The gradient puts { $explain-gradient-on-bright } % of its weight on the ink ({ $explain-bright } % of the pixels), the rest on the background, where new ink would change the score: it is the local slope of one score, not what the network "sees". Occlusion measures what a grey patch does; on black, that adds ink. The maps share { $explain-top-overlap } % of their strongest pixels.

summary-title = Claim by claim
summary =
    What the material says about convolution, what these networks say, and the number behind it. Every number was computed just now from edges and digits-max.
summary-evidence =
    | claim | verdict | number |
    | edge kernels | yes | sum { $edges-conv1-kernel-0-sum } |
    | learned too | some | { $conv1-balanced-kernels } of { $conv1-channels } |
    | one patch a cell | yes | { $conv1-kernel-weights } products |
    | size formula | holds | { $conv1-shape } |
    | channels mix | all maps | { $conv2-kernel-weights } weights |
    | field grows | with pooling | { $conv2-receptive } / { $digits-nopool-conv2-receptive } |
    | few parameters | yes | { $conv1-dense-ratio } × |
summary-verdict = A convolution is a small kernel slid everywhere: it finds a local pattern wherever it is, with few weights. Stacked, with pooling between, its cells see more and combine more; only a dense layer sees the whole picture at once.
