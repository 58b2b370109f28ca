"""The file tutorial: read a file's lines, transform them, write them to another file.

python file_copy.py IN OUT
"""

import sys

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.Reading import SimpleReader
from Kamaelia.File.Writing import SimpleFileWriter
from Kamaelia.Util.PureTransformer import PureTransformer

source, target = sys.argv[1], sys.argv[2]
Pipeline(
    SimpleReader(source),
    PureTransformer(lambda line: line.upper()),
    SimpleFileWriter(target, mode="w"),
).run()
with open(target) as written:
    print(written.read(), end="")
