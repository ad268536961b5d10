class MyFilter:
    def apply(self, resps, docs):
        return resps
