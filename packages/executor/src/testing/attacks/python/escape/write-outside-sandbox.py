import os

DIRS = __WRITE_DIRS__
NAME = __WRITE_NAME__


def f(x):
    for index, directory in enumerate(DIRS):
        try:
            with open(os.path.join(directory, "%s-%d.log" % (NAME, index)), "w") as handle:
                handle.write("written by a candidate")
        except OSError:
            pass
        link = "link-%d" % index
        try:
            os.symlink(directory, link)
            with open(os.path.join(link, "%s-link-%d.log" % (NAME, index)), "w") as handle:
                handle.write("written through a symlink")
        except OSError:
            pass
    return 0
