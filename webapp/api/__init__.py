def register_api(api):
    pass
