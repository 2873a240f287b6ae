def test_login_page_renders_with_its_label(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"E-mail address or username" in response.content


def test_staff_sign_in_with_email_in_any_case(client, coordinator):
    response = client.post(
        "/accounts/login/",
        {"login": coordinator.email.upper(), "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # one school: straight to its home page
